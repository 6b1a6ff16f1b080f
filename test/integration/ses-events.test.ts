import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { ValidationError } from '../../functions/domain/errors.js';
import type { Exit } from '../../functions/domain/exit.js';
import { emailHash } from '../../functions/domain/ids.js';
import type { EventLog } from '../../functions/domain/ports.js';
import {
  createSesEventsHandler,
  type SesEventsHandler,
} from '../../functions/handlers/ses-events.js';
import { buildExit } from '../support/exit-fixture.js';
import { startLocalTable } from '../support/local-clients.js';
import { RecordingScheduler } from '../support/recording-scheduler.js';
import { startForFile } from '../support/start-for-file.js';

const TABLE = 'farewell-ses-events-test';
/** The address in the AWS documentation's samples. */
const RECIPIENT = 'recipient@example.com';
const NOW = new Date('2025-04-01T12:00:00.000Z');

type Fixture = 'bounce-permanent' | 'bounce-transient' | 'complaint' | 'delivery';

/** A sample SES event (test/fixtures/ses) tagged with an exit, as our mailer tags every email. */
function sesEvent(name: Fixture, exitId: string | undefined, stepId = 'gratitude'): unknown {
  const url = new URL(`../fixtures/ses/${name}.json`, import.meta.url);
  const event = JSON.parse(readFileSync(url, 'utf8'));
  const tags = event.detail.mail.tags;
  if (exitId) tags.exit = [exitId];
  else delete tags.exit;
  tags.step = [stepId];
  return event;
}

const table = startForFile(() => startLocalTable(TABLE));
let store: DynamoExitStore;
let handler: SesEventsHandler;
/** A fresh suppression key per test, so no test sees another's suppressions. */
let key: string;
let cancelled: string[];
let logged: string[];

const log: EventLog = {
  info: (message, fields) => logged.push(JSON.stringify({ message, fields })),
  warn: (message, fields) => logged.push(JSON.stringify({ message, fields })),
  error: (message, fields) => logged.push(JSON.stringify({ message, fields })),
};

/** An exit to the documentation's recipient whose notice went out and the rest is pending. */
async function storedExit(overrides: Partial<Exit> = {}): Promise<Exit> {
  const exit = buildExit({ ...overrides });
  exit.client.email = RECIPIENT;
  const notice = exit.steps.notice;
  if (notice) Object.assign(notice, { state: 'sent', sentAt: '2025-03-03T09:02:00.000Z' });
  await store.create(exit);
  return exit;
}

const suppressed = () => store.isSuppressed(emailHash(key, RECIPIENT));

beforeAll(() => {
  store = new DynamoExitStore(table.documents, TABLE);
});

beforeEach(() => {
  key = randomUUID();
  const scheduler = new RecordingScheduler({ exists: true });
  cancelled = scheduler.cancelled;
  logged = [];
  handler = createSesEventsHandler({
    store,
    scheduler,
    clock: { now: () => NOW },
    log,
    suppressionKey: key,
  });
});

describe('ses-events handler', () => {
  it('suppresses the address and cancels the exit on a permanent bounce', async () => {
    const exit = await storedExit();

    const result = await handler(sesEvent('bounce-permanent', exit.id));

    expect(result).toEqual({ outcome: 'stopped' });
    expect(await suppressed()).toBe(true);
    const after = await store.get(exit.id);
    expect(after?.status).toBe('cancelled');
    expect(after?.steps.notice?.state).toBe('sent');
    for (const id of ['gratitude', 'survey', 'survey-reminder', 'check-in-1']) {
      expect(after?.steps[id]).toMatchObject({ state: 'skipped', reason: 'hard bounce' });
    }
    expect(after?.timeline.at(-1)).toMatchObject({
      event: 'step.bounced',
      stepId: 'gratitude',
      detail: expect.stringContaining('Permanent bounce (General)'),
    });
    expect(cancelled.sort()).toEqual(
      ['check-in-1', 'gratitude', 'survey', 'survey-reminder'].map((s) => `${exit.id}/${s}`),
    );
  });

  it('suppresses the address and cancels the exit on a complaint', async () => {
    const exit = await storedExit();

    const result = await handler(sesEvent('complaint', exit.id));

    expect(result).toEqual({ outcome: 'stopped' });
    expect(await suppressed()).toBe(true);
    const after = await store.get(exit.id);
    expect(after?.status).toBe('cancelled');
    expect(after?.steps.survey).toMatchObject({ state: 'skipped', reason: 'complaint' });
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'step.complained' });
  });

  it('only records a transient bounce', async () => {
    const exit = await storedExit();

    const result = await handler(sesEvent('bounce-transient', exit.id));

    expect(result).toEqual({ outcome: 'recorded' });
    expect(await suppressed()).toBe(false);
    const after = await store.get(exit.id);
    expect(after?.status).toBe('active');
    expect(after?.steps.survey?.state).toBe('scheduled');
    expect(after?.timeline.at(-1)).toMatchObject({
      event: 'step.bounced',
      detail: expect.stringContaining('Transient bounce (MailboxFull)'),
    });
    expect(cancelled).toEqual([]);
  });

  it('records a delivery in the timeline with the step and the SES message id', async () => {
    const exit = await storedExit();

    await handler(sesEvent('delivery', exit.id, 'notice'));

    const after = await store.get(exit.id);
    expect(after?.status).toBe('active');
    expect(after?.timeline.at(-1)).toEqual({
      at: NOW.toISOString(),
      event: 'step.delivered',
      stepId: 'notice',
      detail: 'SES message EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
    });
  });

  it('writes a repeated event once', async () => {
    const exit = await storedExit();

    await handler(sesEvent('delivery', exit.id, 'notice'));
    const second = await handler(sesEvent('delivery', exit.id, 'notice'));

    expect(second).toEqual({ outcome: 'duplicate' });
    const after = await store.get(exit.id);
    expect(after?.timeline.filter((e) => e.event === 'step.delivered')).toHaveLength(1);
  });

  it('keeps a completed exit completed and still suppresses the address', async () => {
    const exit = await storedExit({ status: 'completed' });

    const result = await handler(sesEvent('bounce-permanent', exit.id, 'check-in-1'));

    expect(result).toEqual({ outcome: 'suppressed' });
    expect(await suppressed()).toBe(true);
    const after = await store.get(exit.id);
    expect(after?.status).toBe('completed');
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'step.bounced', stepId: 'check-in-1' });
  });

  it('suppresses the address of an email that names no exit', async () => {
    const result = await handler(sesEvent('bounce-permanent', undefined));

    expect(result).toEqual({ outcome: 'suppressed' });
    expect(await suppressed()).toBe(true);
  });

  it('never writes an address to the logs', async () => {
    const exit = await storedExit();

    await handler(sesEvent('complaint', exit.id));
    await handler(sesEvent('bounce-permanent', undefined));

    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain('@');
  });

  it('rejects a malformed event naming the field, without the address', async () => {
    const event = sesEvent('bounce-permanent', 'xabc') as {
      detail: { bounce: { timestamp?: string } };
    };
    delete event.detail.bounce.timestamp;

    const failure = await handler(event).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).problems).toEqual([
      { field: 'detail.bounce.timestamp', message: expect.any(String) },
    ]);
    expect(JSON.stringify(failure)).not.toContain('@');
  });
});
