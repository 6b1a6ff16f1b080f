import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { DynamoSendingStatus } from '../../functions/adapters/dynamo-sending-status.js';
import { SesMailer } from '../../functions/adapters/ses-mailer.js';
import {
  PermanentSendError,
  type SendingBlockedReason,
  SendThrottledError,
  TransientError,
} from '../../functions/domain/errors.js';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { emailHash } from '../../functions/domain/ids.js';
import type {
  EmailRenderer,
  EventLog,
  ExitStore,
  Mailer,
  OutgoingEmail,
} from '../../functions/domain/ports.js';
import { sendingBlocked } from '../../functions/domain/sending-blocked.js';
import { DEFAULT_RULES, parseSequenceRules } from '../../functions/domain/sequence-rules.js';
import { type SendStepDeps, sendStep } from '../../functions/domain/use-cases/send-step.js';
import { buildExit, createExit } from '../support/exit-fixture.js';
import { localSesClient, startLocalTable } from '../support/local-clients.js';
import { startSesLocal } from '../support/local-services.js';
import { RecordingScheduler } from '../support/recording-scheduler.js';
import { silentLog } from '../support/silent-log.js';
import { startForFile } from '../support/start-for-file.js';

const TABLE = 'farewell-send-step-test';
const SUPPRESSION_KEY = 's'.repeat(32);
const NOW = new Date('2025-03-03T09:02:30.000Z');

const table = startForFile(() => startLocalTable(TABLE));
const ses = startForFile(startSesLocal);
let store: DynamoExitStore;
let deps: SendStepDeps;

/** Scheduling is tested against the emulator elsewhere; here we only need what was asked for. */
const recordingScheduler = new RecordingScheduler();
const scheduled = recordingScheduler.scheduled;

/**
 * Rendering has its own tests; sending needs only an email that SES accepts, so the step's
 * outcome here never depends on the templates.
 */
const plainRenderer: EmailRenderer = {
  render: (exit, step) => ({
    subject: `${step.kind} for ${exit.client.name}`,
    html: `<p>${step.kind}</p>`,
    text: `${step.kind}\n`,
  }),
};

function sesMailer(endpoint: string): SesMailer {
  return new SesMailer(localSesClient(endpoint), {
    fromEmail: 'hello@firm.example',
    fromName: 'Northwind',
  });
}

async function sentCount(): Promise<number> {
  const response = await fetch(`${ses.endpoint}/store`);
  return ((await response.json()) as { emails: unknown[] }).emails.length;
}

/** A step already done, for exits whose earlier steps went out before the test starts. */
function sentStep(step: Step | undefined): Step {
  if (!step) throw new Error('fixture step missing');
  return { ...step, state: 'sent', attempts: 1, sentAt: step.dueAt, messageId: `ses-${step.id}` };
}

/** An exit whose every step but the first check-in was sent: the stay-in-touch phase. */
function inStayInTouch(overrides: Partial<Exit> = {}): Partial<Exit> {
  const { steps } = buildExit();
  return {
    steps: {
      notice: sentStep(steps.notice),
      gratitude: sentStep(steps.gratitude),
      survey: sentStep(steps.survey),
      'survey-reminder': sentStep(steps['survey-reminder']),
      ...(steps['check-in-1'] ? { 'check-in-1': steps['check-in-1'] } : {}),
    },
    ...overrides,
  };
}

/** A client address no other test uses, so suppressing it touches no other test. */
function uniqueClient(): Exit['client'] {
  return { ...buildExit().client, email: `client-${randomUUID()}@example.com` };
}

/** A mailer for rejections aws-ses-v2-local cannot produce. */
function rejectingMailer(addressAtFault: boolean): Mailer {
  return {
    send: async () => {
      throw new PermanentSendError('SES rejected the message (MessageRejected)', {
        addressAtFault,
      });
    },
  };
}

/** Check-in 1 of the fixture is due 2025-09-30T08:00Z (10:00 in Paris). */
const CHECK_IN_1_DUE = new Date('2025-09-30T08:00:00.000Z');
const atCheckIn1 = { now: () => new Date(CHECK_IN_1_DUE.getTime() + 5_000) };

/** The real store with its commit replaced, for failures dynalite cannot produce on cue. */
function withFinishStep(finishStep: ExitStore['finishStep']): ExitStore {
  return Object.assign(Object.create(store) as ExitStore, { finishStep });
}

const storedExit = (overrides: Partial<Exit> = {}) => createExit(store, overrides);

beforeAll(() => {
  store = new DynamoExitStore(table.documents, TABLE);
  const clock = { now: () => NOW };
  deps = {
    store,
    mailer: sesMailer(ses.endpoint),
    renderer: plainRenderer,
    scheduler: recordingScheduler,
    clock,
    log: silentLog,
    rules: DEFAULT_RULES,
    suppressionKey: SUPPRESSION_KEY,
    leaseSeconds: 120,
  };
});

beforeEach(async () => {
  await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
});

describe('sendStep on dynalite and aws-ses-v2-local', () => {
  it('sends the notice and commits it as sent with the SES message id', async () => {
    const exit = await storedExit();

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });

    const after = await store.get(exit.id);
    expect(result.outcome).toBe('sent');
    expect(after?.steps.notice?.state).toBe('sent');
    expect(after?.steps.notice?.messageId).toBe(result.outcome === 'sent' ? result.messageId : '');
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'step.sent', stepId: 'notice' });
    expect(await sentCount()).toBe(1);
  });

  it('sends one email when the same event is delivered twice in a row', async () => {
    const exit = await storedExit();

    await sendStep(deps, { exitId: exit.id, stepId: 'notice' });
    const second = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });

    expect(second.outcome).toBe('no-op');
    expect(await sentCount()).toBe(1);
  });

  it('sends one email when the same event is delivered three times at once', async () => {
    const exit = await storedExit();
    const event = { exitId: exit.id, stepId: 'notice' };

    const results = await Promise.all([
      sendStep(deps, event),
      sendStep(deps, event),
      sendStep(deps, event),
    ]);

    expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(1);
    expect(await sentCount()).toBe(1);
  });

  it('skips the step of a cancelled exit without sending', async () => {
    const exit = await storedExit({ status: 'cancelled' });

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'exit cancelled' });
    expect((await store.get(exit.id))?.steps.notice?.state).toBe('skipped');
    expect(await sentCount()).toBe(0);
  });

  it('skips every step of an erased exit, even one left active, without sending', async () => {
    const base = buildExit();
    const exit = await storedExit({
      status: 'active',
      erasedAt: NOW.toISOString(),
      client: { ...base.client, name: 'Erased client', email: '' },
    });

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'exit erased' });
    expect((await store.get(exit.id))?.steps.notice?.state).toBe('skipped');
    expect(await sentCount()).toBe(0);
  });

  it('holds the step of a paused exit: nothing sent, the step stays scheduled', async () => {
    const exit = await storedExit({ status: 'paused' });

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });

    expect(result.outcome).toBe('no-op');
    expect((await store.get(exit.id))?.steps.notice?.state).toBe('scheduled');
    expect(await sentCount()).toBe(0);
  });

  it('skips a suppressed address', async () => {
    const base = buildExit();
    const exit = await storedExit({ client: { ...base.client, email: 'suppressed@example.com' } });
    await store.suppress(
      emailHash(SUPPRESSION_KEY, exit.client.email),
      'complaint',
      NOW.toISOString(),
    );

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'address suppressed' });
    expect(await sentCount()).toBe(0);
  });

  it('sends the notice and the thank-you to an address that only unsubscribed', async () => {
    const exit = await storedExit({ client: uniqueClient() });
    await store.suppress(
      emailHash(SUPPRESSION_KEY, exit.client.email),
      'unsubscribed',
      NOW.toISOString(),
    );

    const notice = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });
    const gratitude = await sendStep(deps, { exitId: exit.id, stepId: 'gratitude' });

    expect(notice.outcome).toBe('sent');
    expect(gratitude.outcome).toBe('sent');
    expect(await sentCount()).toBe(2);
  });

  it('skips the survey and the check-ins of an address that unsubscribed', async () => {
    const exit = await storedExit({ client: uniqueClient() });
    await store.suppress(
      emailHash(SUPPRESSION_KEY, exit.client.email),
      'unsubscribed',
      NOW.toISOString(),
    );

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'survey' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'address unsubscribed' });
    expect(await sentCount()).toBe(0);
  });

  it('gives the claim back and throws when SES is unreachable, so a retry can send', async () => {
    const exit = await storedExit();
    const event = { exitId: exit.id, stepId: 'notice' };

    await expect(
      sendStep({ ...deps, mailer: sesMailer('http://127.0.0.1:9') }, event),
    ).rejects.toBeInstanceOf(TransientError);
    const afterFailure = await store.get(exit.id);
    const retry = await sendStep(deps, event);

    expect(afterFailure?.steps.notice?.state).toBe('scheduled');
    expect(retry.outcome).toBe('sent');
    expect(await sentCount()).toBe(1);
  });

  it('records a permanent rejection as a failed step with its cause', async () => {
    const exit = await storedExit();
    // aws-ses-v2-local rejects an empty subject with a 400, as SES rejects a bad message.
    const emptySubject: EmailRenderer = {
      render: (e, s) => ({ ...deps.renderer.render(e, s), subject: '' }),
    };

    const result = await sendStep(
      { ...deps, renderer: emptySubject },
      { exitId: exit.id, stepId: 'notice' },
    );

    const step = (await store.get(exit.id))?.steps.notice;
    expect(result.outcome).toBe('failed');
    expect(step?.state).toBe('failed');
    expect(step?.reason).toMatch(/SES rejected the message/);
  });

  it('does nothing for an exit that does not exist', async () => {
    const result = await sendStep(deps, { exitId: 'xmissing', stepId: 'notice' });

    expect(result).toEqual({ outcome: 'no-op', reason: 'missing' });
  });

  it('re-sends a step whose sender died mid-send once its lease has expired', async () => {
    const exit = await storedExit();
    // A sender claimed the step and died before committing: the step is left `sending`.
    await store.claimStep(exit.id, 'notice', {
      token: 'dead-sender',
      now: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + 120_000).toISOString(),
    });

    const duringLease = await sendStep(deps, { exitId: exit.id, stepId: 'notice' });
    const later = { now: () => new Date(NOW.getTime() + 121_000) };
    const afterLease = await sendStep(
      { ...deps, clock: later },
      { exitId: exit.id, stepId: 'notice' },
    );

    expect(duringLease.outcome).toBe('no-op');
    expect(afterLease.outcome).toBe('sent');
    expect(await sentCount()).toBe(1);
  });
  it('skips the survey reminder when the survey was already answered, sending nothing', async () => {
    const answeredAt = '2025-04-05T12:00:00.000Z';
    const exit = await storedExit({
      survey: {
        answers: { reason: 'budget', score: 8 },
        answeredAt,
        revisedAt: answeredAt,
        revision: 1,
      },
    });

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'survey-reminder' });

    expect(result).toEqual({ outcome: 'skipped', reason: 'survey already answered' });
    expect((await store.get(exit.id))?.steps['survey-reminder']).toMatchObject({
      state: 'skipped',
      reason: 'survey already answered',
    });
    expect(await sentCount()).toBe(0);
  });

  it("ignores a stale schedule whose due time is not the step's, leaving the step scheduled", async () => {
    const exit = await storedExit();
    const staleDueAt = '2025-03-02T09:00:00.000Z';

    const result = await sendStep(deps, { exitId: exit.id, stepId: 'notice', dueAt: staleDueAt });

    expect(result.outcome).toBe('no-op');
    const notice = (await store.get(exit.id))?.steps.notice;
    expect(notice?.state).toBe('scheduled');
    expect(notice?.lease).toBeUndefined();
    expect(await sentCount()).toBe(0);
  });

  it('sends a step whose event carries its own due time', async () => {
    const exit = await storedExit();
    const dueAt = exit.steps.notice?.dueAt;

    const result = await sendStep(deps, {
      exitId: exit.id,
      stepId: 'notice',
      ...(dueAt ? { dueAt } : {}),
    });

    expect(result.outcome).toBe('sent');
    expect(await sentCount()).toBe(1);
  });

  it('adds the next check-in six months on, at 10:00 local on a business day, and schedules it', async () => {
    const exit = await storedExit(inStayInTouch());

    const result = await sendStep(
      { ...deps, clock: atCheckIn1 },
      { exitId: exit.id, stepId: 'check-in-1' },
    );

    const after = await store.get(exit.id);
    const next = after?.steps['check-in-2'];
    expect(result.outcome).toBe('sent');
    expect(after?.steps['check-in-1']?.state).toBe('sent');
    // Effective 2025-03-31 + 12 months: Tuesday 2026-03-31, 10:00 in Paris (summer time).
    expect(next).toEqual({
      id: 'check-in-2',
      kind: 'check-in',
      dueAt: '2026-03-31T08:00:00Z',
      state: 'scheduled',
      attempts: 0,
    });
    const local = DateTime.fromISO(next?.dueAt ?? '', { zone: 'Europe/Paris' });
    expect(local.hour).toBe(10);
    expect(local.weekday).toBeLessThanOrEqual(5);
    expect(scheduled.filter((s) => s.exitId === exit.id)).toEqual([
      { exitId: exit.id, stepId: 'check-in-2', at: new Date('2026-03-31T08:00:00Z') },
    ]);
    expect(after?.status).toBe('active');
  });

  it('adds no check-in after the last one and completes the exit when nothing is pending', async () => {
    const exit = await storedExit(inStayInTouch());
    const oneCheckIn = parseSequenceRules({ checkIns: { everyMonths: 6, maxCount: 1 } });

    const result = await sendStep(
      { ...deps, clock: atCheckIn1, rules: oneCheckIn },
      { exitId: exit.id, stepId: 'check-in-1' },
    );

    const after = await store.get(exit.id);
    expect(result.outcome).toBe('sent');
    expect(Object.keys(after?.steps ?? {})).not.toContain('check-in-2');
    expect(scheduled.filter((s) => s.exitId === exit.id)).toEqual([]);
    expect(after?.status).toBe('completed');
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'exit.completed' });
  });

  it('does not complete the exit after the last check-in while another step is pending', async () => {
    const base = inStayInTouch();
    const gratitude = buildExit().steps.gratitude;
    const exit = await storedExit({
      ...base,
      steps: { ...base.steps, ...(gratitude ? { gratitude } : {}) },
    });
    const oneCheckIn = parseSequenceRules({ checkIns: { everyMonths: 6, maxCount: 1 } });

    await sendStep(
      { ...deps, clock: atCheckIn1, rules: oneCheckIn },
      { exitId: exit.id, stepId: 'check-in-1' },
    );

    expect((await store.get(exit.id))?.status).toBe('active');
  });

  it('suppresses the address and fails the step when SES rejects the address itself', async () => {
    const exit = await storedExit({ client: uniqueClient() });

    const result = await sendStep(
      { ...deps, mailer: rejectingMailer(true) },
      { exitId: exit.id, stepId: 'notice' },
    );

    expect(result.outcome).toBe('failed');
    expect((await store.get(exit.id))?.steps.notice?.state).toBe('failed');
    expect(await store.isSuppressed(emailHash(SUPPRESSION_KEY, exit.client.email))).toBe(true);
  });

  it("fails the step without suppressing the address when the rejection is not the address's fault", async () => {
    const exit = await storedExit({ client: uniqueClient() });

    const result = await sendStep(
      { ...deps, mailer: rejectingMailer(false) },
      { exitId: exit.id, stepId: 'notice' },
    );

    expect(result.outcome).toBe('failed');
    expect((await store.get(exit.id))?.steps.notice?.state).toBe('failed');
    expect(await store.isSuppressed(emailHash(SUPPRESSION_KEY, exit.client.email))).toBe(false);
  });

  it('retries a commit that failed after SES accepted the email, so no second copy is sent', async () => {
    const exit = await storedExit();
    let failures = 2;
    const flakyStore = withFinishStep((...args) => {
      if (failures === 0) return store.finishStep(...args);
      failures -= 1;
      return Promise.reject(new TransientError('DynamoDB finishStep failed'));
    });

    const result = await sendStep(
      { ...deps, store: flakyStore },
      { exitId: exit.id, stepId: 'notice' },
    );

    expect(result.outcome).toBe('sent');
    expect((await store.get(exit.id))?.steps.notice?.state).toBe('sent');
    expect(await sentCount()).toBe(1);
  });

  it('counts a commit whose answer was lost but which did land as committed', async () => {
    const exit = await storedExit();
    let lostAnswers = 1;
    const lossyStore = withFinishStep(async (...args) => {
      const committed = await store.finishStep(...args);
      if (lostAnswers === 0) return committed;
      lostAnswers -= 1;
      throw new TransientError('DynamoDB finishStep failed');
    });
    const warnings: string[] = [];
    const log: EventLog = { ...silentLog, warn: (message) => warnings.push(message) };

    const result = await sendStep(
      { ...deps, store: lossyStore, log },
      { exitId: exit.id, stepId: 'notice' },
    );

    expect(result.outcome).toBe('sent');
    expect(warnings).not.toContain('step claim lost before commit');
    expect(await sentCount()).toBe(1);
  });
});

/** A mailer whose account refuses `refusals` sends (as SES does in the sandbox), then SES's. */
function blockedThenSes(refusals: number, reason: SendingBlockedReason = 'sandbox') {
  const real = sesMailer(ses.endpoint);
  const mailer = {
    tries: 0,
    send: async (email: OutgoingEmail) => {
      mailer.tries += 1;
      if (mailer.tries <= refusals) throw sendingBlocked(reason);
      return real.send(email);
    },
  };
  return mailer;
}

describe('sendStep while the SES account cannot send', () => {
  const status = () => new DynamoSendingStatus(table.documents, TABLE);

  it('keeps the step pending, says why once, tries again hourly, and sends it exactly once when the account can send', async () => {
    const exit = await storedExit();
    const mailer = blockedThenSes(2);
    let now = NOW;
    const blockedDeps: SendStepDeps = {
      ...deps,
      mailer,
      clock: { now: () => now },
      sendingStatus: status(),
    };
    recordingScheduler.clear();

    const first = await sendStep(blockedDeps, { exitId: exit.id, stepId: 'notice' });

    const afterFirst = await store.get(exit.id);
    const retryAt = new Date(NOW.getTime() + 60 * 60_000);
    expect(first).toEqual({
      outcome: 'waiting',
      reason: 'sandbox',
      dueAt: retryAt.toISOString().replace('.000Z', 'Z'),
    });
    expect(afterFirst?.steps.notice).toMatchObject({ state: 'scheduled' });
    expect(afterFirst?.steps.notice?.lease).toBeUndefined();
    expect(Date.parse(afterFirst?.steps.notice?.dueAt ?? '')).toBe(retryAt.getTime());
    expect(afterFirst?.timeline.at(-1)).toMatchObject({
      event: 'step.waiting',
      stepId: 'notice',
      detail: expect.stringMatching(/^Sending is blocked: .*sandbox.* Fix: .*production access/),
    });
    expect(recordingScheduler.scheduledKeys()).toEqual([
      `${exit.id}/notice@${retryAt.toISOString()}`,
    ]);
    expect(await status().current()).toMatchObject({ reason: 'sandbox', since: NOW.toISOString() });
    expect(await sentCount()).toBe(0);

    // The old schedule delivered again: stale, nothing happens.
    expect(
      (
        await sendStep(blockedDeps, {
          exitId: exit.id,
          stepId: 'notice',
          dueAt: exit.steps.notice?.dueAt,
        })
      ).outcome,
    ).toBe('no-op');

    // An hour later, still in the sandbox: tried again, the timeline says nothing new.
    now = new Date(retryAt.getTime() + 1_000);
    const second = await sendStep(blockedDeps, {
      exitId: exit.id,
      stepId: 'notice',
      dueAt: retryAt.toISOString(),
    });
    const afterSecond = await store.get(exit.id);
    expect(second.outcome).toBe('waiting');
    expect(afterSecond?.timeline.filter((entry) => entry.event === 'step.waiting')).toHaveLength(1);
    expect(afterSecond?.steps.notice?.state).toBe('scheduled');
    expect(await status().current()).toMatchObject({ since: NOW.toISOString() });

    // Production access granted: the next try goes out, once, and the banner's block is cleared.
    now = new Date(Date.parse(afterSecond?.steps.notice?.dueAt ?? '') + 1_000);
    const third = await sendStep(blockedDeps, {
      exitId: exit.id,
      stepId: 'notice',
      dueAt: afterSecond?.steps.notice?.dueAt ?? '',
    });
    const again = await sendStep(blockedDeps, {
      exitId: exit.id,
      stepId: 'notice',
      dueAt: afterSecond?.steps.notice?.dueAt ?? '',
    });

    const after = await store.get(exit.id);
    expect(third.outcome).toBe('sent');
    expect(again.outcome).toBe('no-op');
    expect(after?.steps.notice?.state).toBe('sent');
    expect(after?.steps.notice?.reason).toBeUndefined();
    expect(await sentCount()).toBe(1);
    expect(mailer.tries).toBe(3);
    expect(await status().current()).toBeUndefined();
  });

  it('leaves a recorded block alone when a step that never waited goes out', async () => {
    const exit = await storedExit();
    await status().blocked({ reason: 'sandbox', why: 'w', fix: 'f', at: NOW.toISOString() });

    const result = await sendStep(
      { ...deps, sendingStatus: status() },
      { exitId: exit.id, stepId: 'notice' },
    );

    expect(result.outcome).toBe('sent');
    // Ordinary sends cost no extra call; the waiting steps' own sends clear it.
    expect(await status().current()).toMatchObject({ reason: 'sandbox' });
    await status().sent(NOW.toISOString());
    expect(await status().current()).toBeUndefined();
  });

  it('notes a new entry when the reason changes, and never fails the step', async () => {
    const exit = await storedExit();
    let now = NOW;
    let reason: SendingBlockedReason = 'mail-from-not-verified';
    const blockedDeps: SendStepDeps = {
      ...deps,
      mailer: { send: async () => Promise.reject(sendingBlocked(reason)) },
      clock: { now: () => now },
    };

    const first = await sendStep(blockedDeps, { exitId: exit.id, stepId: 'notice' });
    reason = 'daily-quota';
    now = new Date(Date.parse(first.outcome === 'waiting' ? first.dueAt : '') + 1_000);
    await sendStep(blockedDeps, { exitId: exit.id, stepId: 'notice' });

    const after = await store.get(exit.id);
    const waiting = after?.timeline.filter((entry) => entry.event === 'step.waiting') ?? [];
    expect(waiting.map((entry) => entry.detail)).toEqual([
      expect.stringContaining('MAIL FROM'),
      expect.stringContaining('daily quota'),
    ]);
    expect(after?.steps.notice?.state).toBe('scheduled');
    expect(JSON.stringify(after?.timeline)).not.toContain(exit.client.email);
  });

  it('defers a step SES keeps throttling instead of throwing it towards the dead-letter queue', async () => {
    const exit = await storedExit();
    recordingScheduler.clear();
    const throttled: SendStepDeps = {
      ...deps,
      mailer: {
        send: async () => Promise.reject(new SendThrottledError('SES throttled the send')),
      },
    };

    const result = await sendStep(throttled, { exitId: exit.id, stepId: 'notice' });

    const after = await store.get(exit.id);
    expect(result.outcome).toBe('waiting');
    expect(after?.steps.notice?.state).toBe('scheduled');
    const wait = Date.parse(after?.steps.notice?.dueAt ?? '') - NOW.getTime();
    // First attempt: half to all of one minute.
    expect(wait).toBeGreaterThanOrEqual(29_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(recordingScheduler.scheduled).toHaveLength(1);
    expect(after?.timeline.some((entry) => entry.event === 'step.waiting')).toBe(false);
  });
});
