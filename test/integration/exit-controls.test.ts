import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import {
  ConcurrentWriteError,
  ConflictError,
  NotFoundError,
  StateConflictError,
  ValidationError,
} from '../../functions/domain/errors.js';
import { type Exit, pendingSteps, type Step } from '../../functions/domain/exit.js';
import type { ExitStore } from '../../functions/domain/ports.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import {
  cancelExit,
  controlExit,
  controlExits,
  type ExitControlDeps,
  pauseExit,
  resumeExit,
} from '../../functions/domain/use-cases/exit-controls.js';
import type { StartExitDeps } from '../../functions/domain/use-cases/start-exit.js';
import { WebhookVerifier } from '../../functions/handlers/http/webhook-signature.js';
import {
  handleExitWebhook,
  MAX_CONTROL_EXITS,
  type WebhookDeps,
} from '../../functions/handlers/webhooks.js';
import { startControlHarness } from '../support/control-harness.js';
import { buildExit, createExit } from '../support/exit-fixture.js';
import { silentLog } from '../support/silent-log.js';
import { startForFile } from '../support/start-for-file.js';
import { signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

const TABLE = 'farewell-exit-controls-test';
/** Before every step of the fixture exit is due. */
const START = new Date('2025-03-03T09:00:00.000Z');
const LEASE = { token: 'sender', now: START.toISOString(), expiresAt: '2025-03-03T09:05:00.000Z' };

let now: Date;
const clock = { now: () => now };

const harness = startForFile(() => startControlHarness(clock));
let store: DynamoExitStore;
let deps: ExitControlDeps;

beforeAll(async () => {
  store = await harness.store(TABLE);
  deps = { store, scheduler: harness.scheduler, clock, log: silentLog, rules: DEFAULT_RULES };
});

beforeEach(() => {
  now = START;
});

const storedExit = (overrides: Partial<Exit> = {}) => createExit(store, overrides);

/** What the system has after starting an exit: the exit and a schedule per pending step. */
const startedExit = (overrides: Partial<Exit> = {}) => harness.start(store, buildExit(overrides));

const scheduledStepIds = (exit: Exit) => harness.scheduledStepIds(exit.id);

/** The due time the schedule of a step will deliver, from its `at()` expression. */
const scheduledAt = (exit: Exit, stepId: string) =>
  harness.schedule(exit.id, stepId)?.ScheduleExpression;

function statesOf(exit: Exit | undefined): Record<string, Step['state']> {
  return Object.fromEntries(Object.values(exit?.steps ?? {}).map((s) => [s.id, s.state]));
}

/** A store whose `changeStatus` lets another writer in between the read and the write. */
function racingStore(inner: ExitStore, writeFirst: (exitId: string) => Promise<void>): ExitStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'changeStatus') return Reflect.get(target, property, receiver);
      const changeStatus: ExitStore['changeStatus'] = async (exitId, change) => {
        await writeFirst(exitId);
        return target.changeStatus(exitId, change);
      };
      return changeStatus;
    },
  });
}

/** Each attempt, a sender claims one more step just before the write: every attempt loses. */
function claimingStore(): ExitStore {
  return racingStore(store, async (exitId) => {
    const current = await store.get(exitId);
    const next = current ? pendingSteps(current)[0] : undefined;
    if (next) await store.claimStep(exitId, next.id, LEASE);
  });
}

const ALL_STEPS = ['check-in-1', 'gratitude', 'notice', 'survey', 'survey-reminder'];

describe('cancelExit', () => {
  it('writes cancelled, skips every pending step and deletes their schedules', async () => {
    const exit = await startedExit();

    const result = await cancelExit(deps, exit.id, 'console');

    const after = await store.get(exit.id);
    expect(result).toEqual({ exitId: exit.id, status: 'cancelled', changed: true });
    expect(after?.status).toBe('cancelled');
    for (const id of ALL_STEPS) {
      expect(after?.steps[id]).toMatchObject({ state: 'skipped', reason: 'exit cancelled' });
    }
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'exit.cancelled' });
    expect(scheduledStepIds(exit)).toEqual([]);
  });

  it('answers changed: false to a second cancel', async () => {
    const exit = await startedExit();
    await cancelExit(deps, exit.id, 'console');
    const before = await store.get(exit.id);

    const result = await cancelExit(deps, exit.id, 'webhook');

    expect(result).toEqual({ exitId: exit.id, status: 'cancelled', changed: false });
    expect(await store.get(exit.id)).toEqual(before);
  });

  it('throws NotFoundError for an exit that does not exist', async () => {
    await expect(cancelExit(deps, 'xmissing', 'console')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('skips the other steps when one is being sent, leaving that one sending', async () => {
    const exit = await startedExit();
    await store.claimStep(exit.id, 'notice', LEASE);

    const result = await cancelExit(deps, exit.id, 'console');

    const after = await store.get(exit.id);
    expect(result).toEqual({ exitId: exit.id, status: 'cancelled', changed: true });
    expect(statesOf(after)).toEqual({
      notice: 'sending',
      gratitude: 'skipped',
      survey: 'skipped',
      'survey-reminder': 'skipped',
      'check-in-1': 'skipped',
    });
    expect(scheduledStepIds(exit)).not.toContain('gratitude');
  });

  it('retries when a sender claims a step between its read and its write', async () => {
    const exit = await startedExit();
    let claims = 0;
    const racing = racingStore(store, async (exitId) => {
      if (claims > 0) return;
      claims += 1;
      await store.claimStep(exitId, 'notice', LEASE);
    });

    const result = await cancelExit({ ...deps, store: racing }, exit.id, 'console');

    const after = await store.get(exit.id);
    expect(result).toEqual({ exitId: exit.id, status: 'cancelled', changed: true });
    expect(statesOf(after)).toEqual({
      notice: 'sending',
      gratitude: 'skipped',
      survey: 'skipped',
      'survey-reminder': 'skipped',
      'check-in-1': 'skipped',
    });
  });

  it('gives up with ConflictError when every attempt loses to a concurrent write', async () => {
    const exit = await startedExit();
    const racing = claimingStore();

    await expect(cancelExit({ ...deps, store: racing }, exit.id, 'console')).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await store.get(exit.id))?.status).toBe('active');
  });
});

describe('pauseExit', () => {
  it('deletes the schedules and keeps every step scheduled', async () => {
    const exit = await startedExit();

    const result = await pauseExit(deps, exit.id, 'console');

    const after = await store.get(exit.id);
    expect(result).toEqual({ exitId: exit.id, status: 'paused', changed: true });
    expect(after?.status).toBe('paused');
    expect(after?.steps).toEqual(exit.steps);
    expect(scheduledStepIds(exit)).toEqual([]);
  });

  it('lets no step of the paused exit fire, however much time passes', async () => {
    const exit = await startedExit();
    await pauseExit(deps, exit.id, 'console');

    await harness.emulator.fireDue(new Date('2030-01-01T00:00:00.000Z'));

    expect(harness.invoked.filter((input) => input.includes(exit.id))).toEqual([]);
  });

  it('throws ConflictError for a cancelled exit', async () => {
    const exit = await storedExit({ status: 'cancelled' });

    await expect(pauseExit(deps, exit.id, 'console')).rejects.toBeInstanceOf(ConflictError);
    expect((await store.get(exit.id))?.status).toBe('cancelled');
  });
});

describe('resumeExit', () => {
  it('creates a schedule for every pending step', async () => {
    const exit = await startedExit();
    await pauseExit(deps, exit.id, 'console');

    const result = await resumeExit(deps, exit.id, 'console');

    expect(result).toEqual({ exitId: exit.id, status: 'active', changed: true });
    expect((await store.get(exit.id))?.status).toBe('active');
    expect(scheduledStepIds(exit)).toEqual(ALL_STEPS);
    expect(scheduledAt(exit, 'check-in-1')).toBe('at(2025-09-30T08:00:00)');
  });

  it('re-creates the schedules when repeated on an active exit (a retry after a failed create)', async () => {
    const exit = await startedExit();
    await pauseExit(deps, exit.id, 'console');
    // The status write landed, then creating the schedules failed: active, with none.
    await store.changeStatus(exit.id, {
      from: ['paused'],
      to: 'active',
      at: START.toISOString(),
      entry: {
        at: START.toISOString(),
        event: 'exit.resumed',
        detail: 'Resumed from the webhook.',
      },
    });
    expect(scheduledStepIds(exit)).toEqual([]);

    const result = await resumeExit(deps, exit.id, 'webhook');

    expect(result).toEqual({ exitId: exit.id, status: 'active', changed: false });
    expect(scheduledStepIds(exit)).toEqual(ALL_STEPS);
  });

  it('moves a gratitude that fell due while paused to the next send slot and schedules it', async () => {
    const { steps } = buildExit();
    const exit = await storedExit({
      status: 'paused',
      steps: {
        ...steps,
        ...(steps.notice ? { notice: { ...steps.notice, state: 'sent' as const } } : {}),
      },
    });
    // Tuesday 1 April 2025, 14:00 in Paris: the gratitude was due Monday 31 March at 10:00.
    now = new Date('2025-04-01T12:00:00.000Z');

    await resumeExit(deps, exit.id, 'console');

    const after = await store.get(exit.id);
    // Wednesday 2 April, 10:00 in Paris (summer time).
    expect(after?.steps.gratitude?.dueAt).toBe('2025-04-02T08:00:00Z');
    expect(after?.steps.survey?.dueAt).toBe(exit.steps.survey?.dueAt);
    expect(scheduledAt(exit, 'gratitude')).toBe('at(2025-04-02T08:00:00)');
  });
});

/** A signed control webhook as API Gateway hands it to the handler. */
function controlEvent(
  type: string,
  data: Record<string, unknown>,
  options: { id?: string; timestamp?: string } = {},
): APIGatewayProxyEventV2 {
  const signed = signWebhook(
    { type, ...(options.timestamp ? { timestamp: options.timestamp } : {}), data },
    options.id ? { id: options.id } : {},
  );
  return { headers: signed.headers, body: signed.body, isBase64Encoded: false } as never;
}

function webhookDeps(controls: ExitControlDeps = deps): WebhookDeps {
  return {
    verifier: new WebhookVerifier([TEST_WEBHOOK_SECRET]),
    // Control events never start an exit.
    startExit: {} as StartExitDeps,
    controls,
  };
}

describe('control webhooks by externalId', () => {
  it('cancels every one of 55 exits started with one externalId', async () => {
    const externalId = `crm-${randomUUID()}`;
    const exits: Exit[] = [];
    for (let i = 0; i < 55; i++) exits.push(await startedExit({ externalId }));

    const response = await handleExitWebhook(
      webhookDeps(),
      controlEvent('exit.cancelled', { externalId }),
    );

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body)).exits).toHaveLength(55);
    for (const exit of exits) {
      expect((await store.get(exit.id))?.status).toBe('cancelled');
      expect(scheduledStepIds(exit)).toEqual([]);
    }
  });

  it(`refuses, changing nothing, when more than ${MAX_CONTROL_EXITS} exits match`, async () => {
    const exit = await startedExit({ externalId: 'crm-huge' });
    const ids = [exit.id, ...Array.from({ length: MAX_CONTROL_EXITS }, () => exit.id)];
    const crowded = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'findByExternalId') return Reflect.get(target, property, receiver);
        return async () => ids;
      },
    });

    await expect(
      handleExitWebhook(
        webhookDeps({ ...deps, store: crowded }),
        controlEvent('exit.cancelled', { externalId: 'crm-huge' }),
      ),
    ).rejects.toThrow(ValidationError);
    expect((await store.get(exit.id))?.status).toBe('active');
  });

  it('stops reading after max + 1 ids when asked for at most max', async () => {
    const externalId = `crm-${randomUUID()}`;
    for (let i = 0; i < 4; i++) await storedExit({ externalId });

    expect(await store.findByExternalId(externalId, 2)).toHaveLength(3);
    expect(await store.findByExternalId(externalId)).toHaveLength(4);
  });
});

describe('controlExits', () => {
  it('resolves an external id to every exit started with it and runs the action on each', async () => {
    const externalId = `crm-${randomUUID()}`;
    const exits = [await startedExit({ externalId }), await startedExit({ externalId })];

    const result = await controlExits(deps, 'pause', { externalId }, 'webhook');

    expect(result).toEqual({
      outcome: 'applied',
      exits: expect.arrayContaining(
        exits.map((exit) => ({ exitId: exit.id, status: 'paused', changed: true })),
      ),
    });
    for (const exit of exits) expect((await store.get(exit.id))?.status).toBe('paused');
  });

  it('runs the action on the one exit an exit id names', async () => {
    const exit = await startedExit();

    const result = await controlExits(deps, 'cancel', { exitId: exit.id }, 'console');

    expect(result).toEqual({
      outcome: 'applied',
      exits: [{ exitId: exit.id, status: 'cancelled', changed: true }],
    });
  });

  it('answers NotFoundError when no exit carries the external id', async () => {
    await expect(
      controlExits(deps, 'cancel', { externalId: `crm-${randomUUID()}` }, 'webhook'),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it(`changes nothing when more than ${MAX_CONTROL_EXITS} exits carry the external id`, async () => {
    const exit = await startedExit({ externalId: 'crm-crowded' });
    const crowded = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'findByExternalId') return Reflect.get(target, property, receiver);
        return async () => Array.from({ length: MAX_CONTROL_EXITS + 1 }, () => exit.id);
      },
    });

    const result = await controlExits(
      { ...deps, store: crowded },
      'cancel',
      { externalId: 'crm-crowded' },
      'webhook',
    );

    expect(result).toEqual({ outcome: 'too-many-exits', max: MAX_CONTROL_EXITS });
    expect((await store.get(exit.id))?.status).toBe('active');
  });
});

describe('conflict kinds', () => {
  it('refuses an action the state forbids with StateConflictError', async () => {
    const exit = await storedExit({ status: 'completed' });

    await expect(resumeExit(deps, exit.id, 'console')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('gives up on a busy exit with ConcurrentWriteError', async () => {
    const exit = await startedExit();
    const racing = claimingStore();

    await expect(cancelExit({ ...deps, store: racing }, exit.id, 'console')).rejects.toBeInstanceOf(
      ConcurrentWriteError,
    );
  });
});

describe('exit.rescheduled', () => {
  const answerOf = (response: { body?: string }) => JSON.parse(String(response.body));
  const rescheduled = (
    data: Record<string, unknown>,
    options: { id?: string; timestamp?: string } = {},
  ) => handleExitWebhook(webhookDeps(), controlEvent('exit.rescheduled', data, options));
  /** An exit whose notice went out, so a new date is the client's to know. */
  const toldExit = (overrides: Partial<Exit> = {}) => {
    const { steps } = buildExit();
    const notice = { ...steps.notice, state: 'sent', sentAt: START.toISOString() } as Step;
    return startedExit({ steps: { ...steps, notice }, ...overrides });
  };

  it('moves the steps ahead to the new date, schedules them and tells the client', async () => {
    const exit = await toldExit();

    const response = await rescheduled({ exitId: exit.id, effectiveOn: '2025-04-30' });

    expect(response.statusCode).toBe(200);
    expect(answerOf(response)).toEqual({
      exits: [{ exitId: exit.id, status: 'active', changed: true }],
    });
    const after = await store.get(exit.id);
    expect(after?.effectiveOn).toBe('2025-04-30');
    expect(after?.steps.gratitude?.dueAt).toBe('2025-04-30T08:00:00Z');
    expect(after?.steps['date-change-1']).toMatchObject({
      kind: 'date-change',
      state: 'scheduled',
    });
    expect(after?.timeline.at(-1)?.detail).toMatch(/from the webhook/);
    expect(scheduledAt(exit, 'gratitude')).toBe('at(2025-04-30T08:00:00)');
    expect(scheduledStepIds(exit)).toContain('date-change-1');
  });

  it('moves every exit started with the externalId', async () => {
    const externalId = `crm-${randomUUID()}`;
    const exits = [await startedExit({ externalId }), await startedExit({ externalId })];

    const response = await rescheduled({ externalId, effectiveOn: '2025-05-02' });

    expect(answerOf(response).exits).toHaveLength(2);
    for (const exit of exits) expect((await store.get(exit.id))?.effectiveOn).toBe('2025-05-02');
  });

  it.each([
    ['an impossible date', '2025-02-30', /^must be a real calendar date/],
    ['no date', undefined, /^must be a real calendar date/],
    ['a date beyond the grace in the past', '2025-02-01', /^must not be in the past/],
  ])('answers 422 naming data.effectiveOn for %s, changing nothing', async (_, date, message) => {
    const exit = await startedExit();

    const error = await rescheduled({ exitId: exit.id, effectiveOn: date }).catch((e) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      { field: 'data.effectiveOn', message: expect.stringMatching(message) },
    ]);
    expect((await store.get(exit.id))?.effectiveOn).toBe(exit.effectiveOn);
  });

  it.each(['cancelled', 'completed'] as const)(
    'refuses a %s exit with a conflict',
    async (status) => {
      const exit = await storedExit({ status });

      await expect(rescheduled({ exitId: exit.id, effectiveOn: '2025-04-30' })).rejects.toThrow(
        ConflictError,
      );
    },
  );

  it('applies one webhook-id once, and answers a redelivery as the first time', async () => {
    const exit = await toldExit();
    const id = `msg_reschedule_${exit.id}`;

    const first = await rescheduled({ exitId: exit.id, effectiveOn: '2025-04-30' }, { id });
    await rescheduled({ exitId: exit.id, effectiveOn: '2025-05-30' });
    const again = await rescheduled({ exitId: exit.id, effectiveOn: '2025-04-30' }, { id });

    expect(answerOf(again)).toEqual(answerOf(first));
    const after = await store.get(exit.id);
    expect(after?.effectiveOn).toBe('2025-05-30');
    expect(Object.keys(after?.steps ?? {}).filter((s) => s.startsWith('date-change'))).toHaveLength(
      2,
    );
  });

  it('lets no older date override a newer one, even one that found its date already set', async () => {
    const exit = await startedExit();
    const at = (second: number) => new Date(Date.UTC(2025, 2, 3, 9, 0, second)).toISOString();

    await rescheduled({ exitId: exit.id, effectiveOn: '2025-05-30' }, { timestamp: at(3) });
    const older = await rescheduled(
      { exitId: exit.id, effectiveOn: '2025-04-30' },
      { timestamp: at(1) },
    );
    const moved = await startedExit({ effectiveOn: '2025-05-30' });
    await rescheduled({ exitId: moved.id, effectiveOn: '2025-05-30' }, { timestamp: at(3) });
    await rescheduled({ exitId: moved.id, effectiveOn: '2025-04-30' }, { timestamp: at(1) });

    expect(answerOf(older).exits).toEqual([{ exitId: exit.id, status: 'active', changed: false }]);
    expect((await store.get(exit.id))?.effectiveOn).toBe('2025-05-30');
    expect((await store.get(moved.id))?.effectiveOn).toBe('2025-05-30');
  });
});

describe('concurrent pause and resume', () => {
  it('answers each control or conflicts, and leaves schedules matching the status', async () => {
    for (let round = 0; round < 5; round++) {
      const exit = await startedExit();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          controlExit(deps, i % 2 === 0 ? 'pause' : 'resume', exit.id, 'webhook'),
        ),
      );
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
      }
      const after = await store.get(exit.id);
      const pending = after ? pendingSteps(after).map((s) => s.id) : [];
      expect(scheduledStepIds(exit)).toEqual(after?.status === 'paused' ? [] : pending.sort());
    }
  });
});
