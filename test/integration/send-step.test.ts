import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { ensureTable } from '../../functions/adapters/dynamo-table.js';
import { SesMailer } from '../../functions/adapters/ses-mailer.js';
import { TransientError } from '../../functions/domain/errors.js';
import type { Exit } from '../../functions/domain/exit.js';
import { emailHash } from '../../functions/domain/ids.js';
import type { EmailRenderer, EventLog } from '../../functions/domain/ports.js';
import { type SendStepDeps, sendStep } from '../../functions/domain/use-cases/send-step.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { buildExit } from '../support/exit-fixture.js';
import {
  localCredentials,
  localRegion,
  type RunningService,
  startDynalite,
  startSesLocal,
} from '../support/local-services.js';

const TABLE = 'farewell-send-step-test';
const SUPPRESSION_KEY = 's'.repeat(32);
const NOW = new Date('2025-03-03T09:02:30.000Z');

let dynamo: RunningService;
let ses: RunningService;
let store: DynamoExitStore;
let deps: SendStepDeps;

const silentLog: EventLog = { info: () => {}, warn: () => {}, error: () => {} };

function sesMailer(endpoint: string): SesMailer {
  const client = new SESv2Client({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    requestHandler: { requestTimeout: 2_000 },
    maxAttempts: 1,
  });
  return new SesMailer(client, { fromEmail: 'hello@firm.example', fromName: 'Northwind' });
}

async function sentCount(): Promise<number> {
  const response = await fetch(`${ses.endpoint}/store`);
  return ((await response.json()) as { emails: unknown[] }).emails.length;
}

async function storedExit(overrides: Partial<Exit> = {}): Promise<Exit> {
  const exit = buildExit(overrides);
  await store.create(exit);
  return exit;
}

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startDynalite(), startSesLocal()]);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  await ensureTable(client, TABLE);
  store = new DynamoExitStore(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    TABLE,
  );
  const clock = { now: () => NOW };
  deps = {
    store,
    mailer: sesMailer(ses.endpoint),
    renderer: new HandlebarsRenderer(
      new URL('../../templates/emails/', import.meta.url),
      { firmName: 'Northwind', signature: 'Northwind' },
      { publicUrl: 'https://farewell.example', keys: ['k'.repeat(32)], surveyLinkDays: 60 },
      clock,
    ),
    clock,
    log: silentLog,
    suppressionKey: SUPPRESSION_KEY,
    leaseSeconds: 120,
  };
});

afterAll(async () => {
  await Promise.all([dynamo.stop(), ses.stop()]);
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
});
