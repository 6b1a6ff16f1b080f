import { request as httpRequest } from 'node:http';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleName } from '../../functions/adapters/eventbridge-step-scheduler.js';
import { pendingSteps } from '../../functions/domain/exit.js';
import { exitIdFromEvent } from '../../functions/domain/ids.js';
import { apiEvent, bodyOf } from '../support/hostile-http.js';
import { type HostileStack, startHostileStack } from '../support/hostile-stack.js';
import { fuzzControlOrder } from '../support/hostile-webhook-fuzz.js';
import { waitFor } from '../support/ports.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

/**
 * Replayed, stale and rotated-out webhooks, over HTTP through the local gateway where the wire
 * matters and in process where only the configuration differs.
 */

const NEW_SECRET = `whsec_${Buffer.from('the-new-secret-after-rotation!!').toString('base64')}`;
const UNKNOWN_SECRET = `whsec_${Buffer.from('a-secret-farewell-never-had-00').toString('base64')}`;

let stack: HostileStack;

beforeAll(async () => {
  stack = await startHostileStack();
});

afterAll(async () => {
  await stack?.stop();
});

function post(signed: { headers: Record<string, string>; body: string }): Promise<Response> {
  return fetch(`${stack.harness.stack.appUrl}/webhooks/exits`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
}

function clientEmail(payload: Record<string, unknown>): string {
  return (payload.data as { client: { email: string } }).client.email;
}

async function schedulesOf(exitId: string): Promise<string[]> {
  const { Schedules = [] } = await new SchedulerClient({}).send(
    new ListSchedulesCommand({ NamePrefix: `fw-${exitId}` }),
  );
  return Schedules.map((schedule) => schedule.Name ?? '').sort();
}

async function noticeSent(exitId: string): Promise<void> {
  const sent = await waitFor(async () => {
    const exit = await stack.harness.stack.store.get(exitId);
    return exit?.steps.notice?.state === 'sent' ? true : undefined;
  }, 8_000);
  if (!sent) throw new Error('the notice did not go out');
}

describe('a replayed webhook', () => {
  it.each([
    ['more than five minutes old', -6 * 60_000],
    ['more than five minutes ahead', 6 * 60_000],
    ['a day old', -86_400_000],
  ])('answers 401 when its timestamp is %s, starting nothing', async (_, offset) => {
    const id = `msg_stale_${offset}`;
    const signed = signWebhook(exitRequested(), { id, at: new Date(Date.now() + offset) });

    const response = await post(signed);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      status: 401,
      detail: expect.stringMatching(/timestamp/),
    });
    expect(await stack.harness.stack.store.get(exitIdFromEvent('webhook', id))).toBeUndefined();
  });

  it('answers 400 to a signed id too long to key its answer (it was a 500), starting nothing', async () => {
    for (const type of ['exit.requested', 'exit.cancelled'] as const) {
      const id = `msg_${'x'.repeat(2_055)}`;
      const payload =
        type === 'exit.requested' ? exitRequested() : { type, data: { externalId: 'crm-1' } };

      const response = await post(signWebhook(payload, { id }));

      expect(response.status, type).toBe(400);
      expect(await response.json()).toMatchObject({ detail: expect.stringMatching(/webhook-id/) });
    }
  });

  it('is accepted within the tolerance (four minutes off)', async () => {
    const signed = signWebhook(exitRequested(), { at: new Date(Date.now() - 4 * 60_000) });

    expect((await post(signed)).status).toBe(202);
  });

  it('answers a reused id with the same exit id, and starts nothing new', async () => {
    const first = exitRequested();
    const id = 'msg_replayed_once';
    const response = await post(signWebhook(first, { id }));
    const { exitId } = (await response.json()) as { exitId: string };
    await noticeSent(exitId);
    const schedules = await schedulesOf(exitId);
    const other = exitRequested({ reason: 'A different body under the same id.' });

    const replays = await Promise.all([
      post(signWebhook(first, { id })),
      post(signWebhook(other, { id })),
      ...Array.from({ length: 5 }, () => post(signWebhook(first, { id }))),
    ]);

    for (const replay of replays) {
      expect(replay.status).toBe(202);
      expect(await replay.json()).toEqual({ exitId });
    }
    expect(exitId).toBe(exitIdFromEvent('webhook', id));
    const exit = await stack.harness.stack.store.get(exitId);
    expect(exit?.client.email).toBe(clientEmail(first));
    expect(exit?.reason).toBe('The project is complete.');
    expect(exit?.timeline.filter((entry) => entry.event === 'exit.created')).toHaveLength(1);
    expect(await schedulesOf(exitId)).toEqual(schedules);
    // Give a wrongly started duplicate time to send its notice before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await stack.harness.emailsTo(clientEmail(first))).toHaveLength(1);
    expect(await stack.harness.emailsTo(clientEmail(other))).toHaveLength(0);
  });
});

describe('a replayed or reordered control event', () => {
  async function startedExitId(): Promise<string> {
    const response = await post(signWebhook(exitRequested()));
    const { exitId } = (await response.json()) as { exitId: string };
    await noticeSent(exitId);
    return exitId;
  }

  const control = (type: string, exitId: string, at: Date) => ({
    type,
    timestamp: at.toISOString(),
    data: { exitId },
  });

  it('does not apply a replayed pause after a later resume, and answers as the first time', async () => {
    const exitId = await startedExitId();
    const t0 = Date.now() - 60_000;
    const pause = signWebhook(control('exit.paused', exitId, new Date(t0)), {
      id: `msg_pause_${exitId}`,
    });
    const first = await post(pause);
    const firstAnswer = await first.json();
    expect(firstAnswer).toEqual({ exits: [{ exitId, status: 'paused', changed: true }] });
    const resume = signWebhook(control('exit.resumed', exitId, new Date(t0 + 1_000)));
    expect((await post(resume)).status).toBe(200);

    const replay = await post(pause);

    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(firstAnswer);
    expect((await stack.harness.stack.store.get(exitId))?.status).toBe('active');
  });

  it('ends as the contract says, whatever the delivery order and replays', async () => {
    const figures = await fuzzControlOrder(stack, 8, startedExitId);

    expect(figures.cases).toBe(8);
  }, 60_000);

  it('does not let an older pause, under a new id, undo a newer resume', async () => {
    const exitId = await startedExitId();
    const t0 = Date.now() - 60_000;
    await post(signWebhook(control('exit.paused', exitId, new Date(t0 + 1_000))));
    await post(signWebhook(control('exit.resumed', exitId, new Date(t0 + 2_000))));

    const late = await post(signWebhook(control('exit.paused', exitId, new Date(t0))));

    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ exits: [{ exitId, status: 'active', changed: false }] });
    const exit = await stack.harness.stack.store.get(exitId);
    expect(exit?.status).toBe('active');
    expect(exit?.timeline.filter((e) => e.event === 'exit.paused')).toHaveLength(1);
  });

  it('does not let an older pause undo a newer resume that found the exit already active', async () => {
    const exitId = await startedExitId();
    const t0 = Date.now() - 60_000;
    const resume = await post(signWebhook(control('exit.resumed', exitId, new Date(t0 + 2_000))));
    expect(await resume.json()).toEqual({ exits: [{ exitId, status: 'active', changed: false }] });

    const late = await post(signWebhook(control('exit.paused', exitId, new Date(t0 + 1_000))));

    expect(await late.json()).toEqual({ exits: [{ exitId, status: 'active', changed: false }] });
    const exit = await stack.harness.stack.store.get(exitId);
    expect(exit?.status).toBe('active');
    expect(exit?.lastControlAt).toBe(new Date(t0 + 2_000).toISOString());
    expect(exit?.timeline.filter((e) => e.event === 'exit.paused')).toHaveLength(0);
  });

  it('does not let an older resume undo a newer pause that found the exit already paused', async () => {
    const exitId = await startedExitId();
    const t0 = Date.now() - 60_000;
    await post(signWebhook(control('exit.paused', exitId, new Date(t0 + 1_000))));
    await post(signWebhook(control('exit.paused', exitId, new Date(t0 + 3_000))));

    const late = await post(signWebhook(control('exit.resumed', exitId, new Date(t0 + 2_000))));

    expect(await late.json()).toEqual({ exits: [{ exitId, status: 'paused', changed: false }] });
    expect((await stack.harness.stack.store.get(exitId))?.status).toBe('paused');
    expect(await schedulesOf(exitId)).toEqual([]);
  });
});

describe('20 parallel pause and resume webhooks on one exit, over HTTP', () => {
  it('answers each 200 or 409 and leaves the schedules matching the status', async () => {
    for (let round = 0; round < 3; round += 1) {
      const started = await post(signWebhook(exitRequested()));
      const { exitId } = (await started.json()) as { exitId: string };
      await noticeSent(exitId);

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(
            signWebhook({
              type: i % 2 === 0 ? 'exit.paused' : 'exit.resumed',
              data: { exitId },
            }),
          ),
        ),
      );

      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status !== 200 && status !== 409)).toEqual([]);
      const exit = await stack.harness.stack.store.get(exitId);
      expect(['active', 'paused']).toContain(exit?.status);
      const pending = exit ? pendingSteps(exit).map((step) => scheduleName(exitId, step.id)) : [];
      expect(await schedulesOf(exitId)).toEqual(exit?.status === 'paused' ? [] : pending.sort());
    }
  }, 60_000);
});

describe('a replayed or reordered exit.rescheduled', () => {
  /** A date `days` from now (UTC), well clear of the client's today. */
  const ahead = (days: number) =>
    new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const reschedule = (exitId: string, effectiveOn: string, at: Date) => ({
    type: 'exit.rescheduled',
    timestamp: at.toISOString(),
    data: { exitId, effectiveOn },
  });

  it('moves the date once per webhook-id, and an older one delivered late changes nothing', async () => {
    const response = await post(signWebhook(exitRequested()));
    const { exitId } = (await response.json()) as { exitId: string };
    await noticeSent(exitId);
    const t0 = Date.now() - 60_000;
    const older = signWebhook(reschedule(exitId, ahead(40), new Date(t0)));
    const first = await post(older);
    const firstAnswer = await first.json();
    expect(firstAnswer).toEqual({ exits: [{ exitId, status: 'active', changed: true }] });
    await post(signWebhook(reschedule(exitId, ahead(50), new Date(t0 + 1_000))));

    const replay = await post(older);
    const late = await post(signWebhook(reschedule(exitId, ahead(45), new Date(t0 + 500))));

    expect(await replay.json()).toEqual(firstAnswer);
    expect(await late.json()).toEqual({ exits: [{ exitId, status: 'active', changed: false }] });
    const exit = await stack.harness.stack.store.get(exitId);
    expect(exit?.effectiveOn).toBe(ahead(50));
    expect(exit?.timeline.filter((e) => e.event === 'exit.replanned')).toHaveLength(2);
  });

  it('answers 422 naming data.effectiveOn for a past date and 409 for a cancelled exit', async () => {
    const response = await post(signWebhook(exitRequested()));
    const { exitId } = (await response.json()) as { exitId: string };

    const past = await post(signWebhook(reschedule(exitId, '2020-01-01', new Date())));
    await post(signWebhook({ type: 'exit.cancelled', data: { exitId } }));
    const cancelled = await post(signWebhook(reschedule(exitId, ahead(40), new Date())));

    expect(past.status).toBe(422);
    expect(await past.json()).toMatchObject({ errors: [{ field: 'data.effectiveOn' }] });
    expect(cancelled.status).toBe(409);
  });
});

describe('an effective date in the past', () => {
  /** The client's today (exitRequested's client is in New York) moved by `days`, by the stack's clock. */
  function clientDay(days: number): string {
    const now = stack.deps.web.startExit.clock.now();
    return DateTime.fromJSDate(now, { zone: 'America/New_York' }).plus({ days }).toISODate() ?? '';
  }

  it('answers 422 naming data.effectiveOn for a date beyond the grace, starting nothing', async () => {
    const signed = signWebhook(exitRequested({ effectiveOn: clientDay(-8) }));

    const response = await post(signed);

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      errors: [
        { field: 'data.effectiveOn', message: expect.stringMatching(/^must not be in the past/) },
      ],
    });
    const exitId = exitIdFromEvent('webhook', signed.headers['webhook-id'] ?? '');
    expect(await stack.harness.stack.store.get(exitId)).toBeUndefined();
  });

  it('starts an exit effective today for a date within the grace', async () => {
    const response = await post(signWebhook(exitRequested({ effectiveOn: clientDay(-7) })));

    expect(response.status).toBe(202);
    const { exitId } = (await response.json()) as { exitId: string };
    expect((await stack.harness.stack.store.get(exitId))?.effectiveOn).toBe(clientDay(0));
  });
});

describe('secret rotation', () => {
  function signedEvent(secret: string) {
    return signWebhook(exitRequested(), { secret });
  }

  async function answer(secrets: string, secret: string): Promise<number> {
    const { web } = stack.handlerWith({ FAREWELL_WEBHOOK_SECRETS: secrets });
    const signed = signedEvent(secret);
    const response = await web(
      apiEvent({
        method: 'POST',
        path: '/webhooks/exits',
        headers: signed.headers,
        body: signed.body,
      }),
    );
    return response.statusCode;
  }

  it('accepts the old and the new secret while both are listed', async () => {
    const both = `${NEW_SECRET} ${TEST_WEBHOOK_SECRET}`;

    expect(await answer(both, TEST_WEBHOOK_SECRET)).toBe(202);
    expect(await answer(both, NEW_SECRET)).toBe(202);
  });

  it('answers 401 to the rotated-out secret once only the new one is listed', async () => {
    expect(await answer(NEW_SECRET, TEST_WEBHOOK_SECRET)).toBe(401);
    expect(await answer(NEW_SECRET, NEW_SECRET)).toBe(202);
  });

  it('answers 401 to a secret it never had, and to signatures by it beside junk', async () => {
    const signed = signedEvent(UNKNOWN_SECRET);
    const junk = `v1,${Buffer.alloc(32).toString('base64')} v2,abc ${signed.headers['webhook-signature']}`;

    expect(await answer(TEST_WEBHOOK_SECRET, UNKNOWN_SECRET)).toBe(401);
    const response = await post({
      ...signed,
      headers: { ...signed.headers, 'webhook-signature': junk },
    });
    expect(response.status).toBe(401);
  });
});

describe('what reaches the validator', () => {
  it('answers 413 past 64 KB, before looking at the signature', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(64 * 1024) });

    const response = await post({ headers: { 'content-type': 'application/json' }, body });

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('reads a body of exactly 64 KB (and refuses it unsigned)', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(64 * 1024 - 10) });

    const response = await post({ headers: { 'content-type': 'application/json' }, body });

    expect(Buffer.byteLength(body)).toBe(64 * 1024);
    expect(response.status).toBe(401);
  });

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
  ])('answers 415 to a correctly signed body sent as %s', async (type) => {
    const signed = signWebhook(exitRequested());

    const response = await post({
      ...signed,
      headers: { ...signed.headers, 'content-type': type },
    });

    expect(response.status).toBe(415);
    expect(bodyOf({ statusCode: 415, body: await response.text() })).toContain('JSON');
  });

  it('answers 413 to a body past the gateway limit without reading it all', async () => {
    // Its own connection: the gateway answers before the upload ends and drops the socket.
    const { status, type } = await new Promise<{ status: number; type: string }>(
      (resolve, reject) => {
        const request = httpRequest(
          `${stack.harness.stack.appUrl}/webhooks/exits`,
          { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            resolve({
              status: response.statusCode ?? 0,
              type: response.headers['content-type'] ?? '',
            });
          },
        );
        request.on('error', reject);
        request.end('x'.repeat(11 * 1024 * 1024));
      },
    );

    expect(status).toBe(413);
    expect(type).toMatch(/json/);
  });
});
