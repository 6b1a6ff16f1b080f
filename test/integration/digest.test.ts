import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDigestStore } from '../../functions/adapters/dynamo-digest-store.js';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import {
  digestScheduleName,
  EventBridgeDigestScheduler,
} from '../../functions/adapters/eventbridge-digest-scheduler.js';
import { type DigestSectionBuilder, digestOperatorKey } from '../../functions/domain/digest.js';
import type { Exit } from '../../functions/domain/exit.js';
import type { OutgoingEmail } from '../../functions/domain/ports.js';
import {
  noteForDigest,
  type SendDigestDeps,
} from '../../functions/domain/use-cases/send-digest.js';
import { createScheduledHandler } from '../../functions/handlers/scheduled.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import {
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../infra/local/scheduler-emulator.js';
import { buildExit } from '../support/exit-fixture.js';
import { type LocalTable, startLocalTable } from '../support/local-clients.js';
import { localCredentials, localRegion } from '../support/local-services.js';
import { silentLog } from '../support/silent-log.js';

const OPERATOR = 'ops@acme.example';
const KEY = digestOperatorKey(OPERATOR);
const TARGET_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:send-step';
const settings = { hour: 8, timezone: 'Europe/Paris' };

let now = new Date('2026-01-14T10:00:00.000Z');
const clock = { now: () => now };
const sent: OutgoingEmail[] = [];
let table: LocalTable;
let emulator: SchedulerEmulator;
let client: SchedulerClient;
let deps: SendDigestDeps;
let handler: ReturnType<typeof createScheduledHandler>;
const results: unknown[] = [];

beforeAll(async () => {
  table = await startLocalTable('farewell-digest-test');
  emulator = await startSchedulerEmulator({
    clock,
    // The emulator delivers like Scheduler: the schedule's Input to the target.
    invoke: async (_arn, input) => {
      results.push(await handler(JSON.parse(input)));
    },
    tickMs: 60_000,
  });
  client = new SchedulerClient({
    endpoint: emulator.endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  const store = new DynamoExitStore(table.documents, table.name);
  deps = {
    digests: new DynamoDigestStore(table.documents, table.name),
    digestScheduler: new EventBridgeDigestScheduler(client, {
      groupName: 'default',
      targetArn: TARGET_ARN,
      roleArn: 'arn:aws:iam::000000000000:role/scheduler-invoke',
      maximumRetryAttempts: 3,
      maximumEventAgeInSeconds: 3600,
      clock,
    }),
    clock,
    log: silentLog,
    settings,
    operatorEmail: OPERATOR,
    store,
    mailer: {
      // SES cannot be made to answer twice for one message; recording what was sent is the point.
      send: async (email) => {
        sent.push(email);
        return { messageId: `m-${sent.length}` };
      },
    },
    renderer: new HandlebarsRenderer({
      branding: { firmName: 'Acme', signature: 'The Acme team' },
      links: { publicUrl: 'https://app.acme.example', keys: ['k'.repeat(32)] },
      clock,
    }),
    leaseSeconds: 120,
  };
  // The step side is never reached by a digest event.
  handler = createScheduledHandler({} as never, deps);
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
  await table?.stop();
});

beforeEach(() => {
  sent.length = 0;
  results.length = 0;
});

async function answeredExit(at: string, name = 'Ada Client'): Promise<Exit> {
  const exit = buildExit({
    client: { ...buildExit().client, name, company: 'Example <Ltd>' },
    survey: {
      answers: { reason: 'communication', score: 3, winBack: 'maybe' },
      answeredAt: at,
      revisedAt: at,
      revision: 1,
    },
  });
  await deps.store.create(exit);
  return exit;
}

describe('the operator digest against dynalite and the Scheduler emulator', () => {
  it('schedules the next day at the digest hour and sends one email for two deliveries', async () => {
    now = new Date('2026-01-14T10:00:00.000Z');
    const exit = await answeredExit(now.toISOString());
    await noteForDigest(deps, exit.id);

    const name = digestScheduleName(KEY, '2026-01-15');
    const schedule = emulator.list().find((s) => s.Name === name);
    expect(schedule?.ScheduleExpression).toBe('at(2026-01-15T07:00:00)');

    now = new Date('2026-01-15T07:00:00.000Z');
    expect(await emulator.fireDue()).toBe(1);
    // Scheduler delivers at least once: the same input again.
    results.push(await handler({ digest: { operator: KEY, day: '2026-01-15' } }));

    expect(sent).toHaveLength(1);
    expect(results.map((r) => (r as { outcome: string }).outcome)).toEqual(['sent', 'no-op']);
    expect(sent[0]?.to).toBe(OPERATOR);
    expect(sent[0]?.subject).toBe('Your Farewell digest for Thursday, 15 January 2026');
    expect(sent[0]?.html).toContain(`href="https://app.acme.example/admin/exits/${exit.id}"`);
    expect(sent[0]?.html).toContain('Example &lt;Ltd&gt;');
    expect(sent[0]?.text).toContain('Survey answers received');
    expect(sent[0]?.text).toContain('Clients who might come back');
  });

  it('sends one email when two deliveries of the same day race', async () => {
    now = new Date('2026-02-02T12:00:00.000Z');
    const exit = await answeredExit(now.toISOString(), 'Grace Racer');
    await noteForDigest(deps, exit.id);
    now = new Date('2026-02-03T07:00:00.000Z');
    const event = { digest: { operator: KEY, day: '2026-02-03' } };

    const outcomes = await Promise.all([handler(event), handler(event), handler(event)]);

    expect(sent).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'sent')).toHaveLength(1);
  });

  it('sends nothing on a day with nothing noted, and schedules nothing for it', async () => {
    now = new Date('2026-03-10T07:00:00.000Z');
    expect(emulator.list().some((s) => s.Name === digestScheduleName(KEY, '2026-03-10'))).toBe(
      false,
    );

    const result = await handler({ digest: { operator: KEY, day: '2026-03-10' } });

    expect(result.outcome).toBe('empty');
    expect(sent).toEqual([]);
  });

  it('notes an answer that comes after the day was claimed on the next day', async () => {
    now = new Date('2026-04-01T05:00:00.000Z');
    const early = await answeredExit(now.toISOString(), 'Early Bird');
    await noteForDigest(deps, early.id);
    now = new Date('2026-04-01T06:00:00.000Z');
    await handler({ digest: { operator: KEY, day: '2026-04-01' } });
    expect(sent).toHaveLength(1);

    // The clock says the 1st before 08:00 Paris, but the 1st is already claimed.
    now = new Date('2026-04-01T05:59:59.000Z');
    const late = await answeredExit(now.toISOString(), 'Late Comer');
    await noteForDigest(deps, late.id);
    now = new Date('2026-04-02T06:00:00.000Z');
    await emulator.fireDue();

    expect(sent).toHaveLength(2);
    expect(sent[1]?.text).toContain('Late Comer');
    expect(sent[1]?.text).not.toContain('Early Bird');
  });

  it('ignores a digest event for another operator', async () => {
    const result = await handler({ digest: { operator: 'f'.repeat(20), day: '2026-05-01' } });
    expect(result).toEqual({ outcome: 'no-op', reason: 'unknown operator' });
  });
});

describe('a digest whose send fails', () => {
  it('is sent by the retry of the delivery, once', async () => {
    now = new Date('2026-06-01T12:00:00.000Z');
    const exit = await answeredExit(now.toISOString(), 'Retry Later');
    await noteForDigest(deps, exit.id);
    now = new Date('2026-06-02T06:00:00.000Z');
    const event = { digest: { operator: KEY, day: '2026-06-02' } };
    const failing = createScheduledHandler({} as never, {
      ...deps,
      mailer: {
        send: async () => {
          throw new Error('SES is having a bad day');
        },
      },
    });

    await expect(failing(event)).rejects.toThrow('SES is having a bad day');
    now = new Date('2026-06-02T06:01:00.000Z');
    const retried = await handler(event);
    const again = await handler(event);

    expect(retried.outcome).toBe('sent');
    expect(again.outcome).toBe('no-op');
    expect(sent).toHaveLength(1);
  });
});

describe('a section that carries its items over', () => {
  it('finds them again in the next day’s digest, without a new note', async () => {
    now = new Date('2026-07-01T12:00:00.000Z');
    const exit = await answeredExit(now.toISOString(), 'Still Open');
    await noteForDigest(deps, exit.id);
    const overdue: DigestSectionBuilder = {
      kind: 'tasks-due',
      title: 'Tasks due today and overdue',
      build: ({ exits }) =>
        exits.map((e) => ({
          exitId: e.id,
          exitPath: `/admin/exits/${e.id}`,
          who: 'Still Open',
          detail: 'overdue',
        })),
      carry: ({ exits, day }) => (day < '2026-07-04' ? exits.map((e) => e.id) : []),
    };
    const carrying = createScheduledHandler({} as never, { ...deps, sections: [overdue] });
    const before = new Set(emulator.list().map((s) => s.Name));

    for (const day of ['02', '03', '04', '05']) {
      now = new Date(`2026-07-${day}T06:00:00.000Z`);
      await carrying({ digest: { operator: KEY, day: `2026-07-${day}` } });
    }

    expect(sent.map((email) => email.subject)).toEqual([
      'Your Farewell digest for Thursday, 2 July 2026',
      'Your Farewell digest for Friday, 3 July 2026',
      'Your Farewell digest for Saturday, 4 July 2026',
    ]);
    const created = emulator
      .list()
      .filter((s) => !before.has(s.Name))
      .map((s) => s.Name);
    expect(created.sort()).toEqual([
      digestScheduleName(KEY, '2026-07-03'),
      digestScheduleName(KEY, '2026-07-04'),
    ]);
  });
});
