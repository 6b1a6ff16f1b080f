import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checklist } from '../../config/checklist.js';
import type { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import {
  NotFoundError,
  StateConflictError,
  ValidationError,
} from '../../functions/domain/errors.js';
import type { Exit } from '../../functions/domain/exit.js';
import type { ExitStore } from '../../functions/domain/ports.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { changeEffectiveDate } from '../../functions/domain/use-cases/change-effective-date.js';
import {
  changeExitTask,
  completeTasks,
  type TaskDeps,
} from '../../functions/domain/use-cases/change-task.js';
import { eraseExit } from '../../functions/domain/use-cases/erase-exit.js';
import type { ExitControlDeps } from '../../functions/domain/use-cases/exit-controls.js';
import { startExit } from '../../functions/domain/use-cases/start-exit.js';
import { WebhookVerifier } from '../../functions/handlers/http/webhook-signature.js';
import { handleExitWebhook, type WebhookDeps } from '../../functions/handlers/webhooks.js';
import { startControlHarness } from '../support/control-harness.js';
import { createExit } from '../support/exit-fixture.js';
import { silentLog } from '../support/silent-log.js';
import { startForFile } from '../support/start-for-file.js';
import { thrownBy } from '../support/thrown.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

const TABLE = 'farewell-exit-tasks-test';
const START = new Date('2025-03-03T09:00:00.000Z');

let now: Date;
const clock = { now: () => now };
const harness = startForFile(() => startControlHarness(clock));
let store: DynamoExitStore;
let deps: TaskDeps;
let controls: ExitControlDeps;

beforeAll(async () => {
  store = await harness.store(TABLE);
  deps = { store, clock, log: silentLog };
  controls = { store, scheduler: harness.scheduler, clock, log: silentLog, rules: DEFAULT_RULES };
});

beforeEach(() => {
  now = START;
});

/** An exit started as every source starts one, with the shipped checklist. */
async function started(initiatedBy: 'firm' | 'client' = 'firm', key = crypto.randomUUID()) {
  const { exitId } = await startExit(
    {
      store,
      scheduler: harness.scheduler,
      clock,
      rules: DEFAULT_RULES,
      checklist,
      defaults: { timezone: 'Europe/London', locale: 'en-GB' },
    },
    {
      client: { name: 'Ada Client', email: 'ada@example.com', country: 'GB' },
      initiatedBy,
      effectiveOn: '2025-03-31',
      externalId: `crm-${key}`,
      tasks: [{ title: 'Return the office keys', dueOn: '2025-03-28' }],
    },
    { source: 'console', key },
  );
  const exit = await store.get(exitId);
  if (!exit) throw new Error('the exit was not stored');
  return exit;
}

/** A store whose `writeTasks` lets `first` write before it does (a concurrent operator). */
function racing(inner: ExitStore, first: () => Promise<unknown>): ExitStore {
  let raced = false;
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'writeTasks') return Reflect.get(target, property, receiver);
      const writeTasks: ExitStore['writeTasks'] = async (exitId, write) => {
        if (!raced) {
          raced = true;
          await first();
        }
        return target.writeTasks(exitId, write);
      };
      return writeTasks;
    },
  });
}

const states = (exit: Exit | undefined) =>
  Object.fromEntries(Object.values(exit?.tasks ?? {}).map((t) => [t.id, t.state]));

describe('a new exit gets its checklist', () => {
  it('stores the firm list, then the request tasks, and the open due dates the index carries', async () => {
    const exit = await started('firm');

    const titles = Object.values(exit.tasks ?? {}).map((t) => t.title);
    expect(titles).toEqual([...checklist.firm.map((t) => t.title), 'Return the office keys']);
    expect(exit.openTaskDues).toHaveLength(titles.length);
    const listed = (await store.listByStatus('active', { limit: 1000 })).exits.find(
      (e) => e.id === exit.id,
    );
    expect(listed?.openTaskDues).toEqual(exit.openTaskDues);
    expect(listed?.tasks).toBeUndefined();
  });

  it('stores the client list for a client-initiated exit', async () => {
    const exit = await started('client');
    expect(Object.values(exit.tasks ?? {})[1]?.title).toBe(checklist.client[1]?.title);
  });
});

describe('changing tasks', () => {
  it('ticks a task in one write with a timeline entry, and drops its date from the summary', async () => {
    const exit = await started();

    const result = await changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't1' }, 'console');

    const after = await store.get(exit.id);
    expect(result.changed).toBe(true);
    expect(after?.tasks?.t1).toMatchObject({ state: 'done', closedAt: START.toISOString() });
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'task.done' });
    expect(after?.openTaskDues).toHaveLength((exit.openTaskDues?.length ?? 0) - 1);
    expect(after?.taskRevision).toBe(1);
  });

  it('keeps both of two ticks decided from the same read', async () => {
    const exit = await started();
    const other = racing(store, () =>
      changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't2' }, 'console'),
    );

    await changeExitTask(
      { ...deps, store: other },
      exit.id,
      { kind: 'tick', taskId: 't1' },
      'console',
    );

    const after = await store.get(exit.id);
    expect(states(after)).toMatchObject({ t1: 'done', t2: 'done', t3: 'open' });
    expect(after?.taskRevision).toBe(2);
    expect(after?.openTaskDues).toHaveLength((exit.openTaskDues?.length ?? 0) - 2);
  });

  it('keeps every one of several ticks sent at once', async () => {
    const exit = await started();

    await Promise.all(
      ['t1', 't2', 't3', 't4'].map((taskId) =>
        changeExitTask(deps, exit.id, { kind: 'tick', taskId }, 'console'),
      ),
    );

    expect(states(await store.get(exit.id))).toMatchObject({
      t1: 'done',
      t2: 'done',
      t3: 'done',
      t4: 'done',
    });
  });

  it('unticks, notes and marks not needed, each recorded', async () => {
    const exit = await started();
    await changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't1' }, 'console');

    await changeExitTask(deps, exit.id, { kind: 'untick', taskId: 't1' }, 'console');
    await changeExitTask(
      deps,
      exit.id,
      { kind: 'note', taskId: 't1', note: ' Called ' },
      'console',
    );
    await changeExitTask(deps, exit.id, { kind: 'not-needed', taskId: 't2' }, 'console');

    const after = await store.get(exit.id);
    expect(after?.tasks?.t1).toMatchObject({ state: 'open', note: 'Called' });
    expect(after?.tasks?.t1).not.toHaveProperty('closedAt');
    expect(after?.tasks?.t2?.state).toBe('not-needed');
    expect(after?.timeline.slice(-4).map((e) => e.event)).toEqual([
      'task.done',
      'task.reopened',
      'task.noted',
      'task.not-needed',
    ]);
  });

  it('changes nothing when the task already is as asked', async () => {
    const exit = await started();
    await changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't1' }, 'console');

    const again = await changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't1' }, 'console');

    expect(again.changed).toBe(false);
    expect((await store.get(exit.id))?.taskRevision).toBe(1);
  });

  it('adds a task once, even when the form is sent twice', async () => {
    const exit = await started();
    const add = { kind: 'add', title: 'Send the archive', dueOn: '2025-04-02' } as const;

    await changeExitTask(deps, exit.id, add, 'console');
    await changeExitTask(deps, exit.id, add, 'console');

    const added = Object.values((await store.get(exit.id))?.tasks ?? {}).filter(
      (t) => t.title === 'Send the archive',
    );
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ addedBy: 'console', dueOn: '2025-04-02', state: 'open' });
  });

  it('adds the first task to an exit made before the checklist', async () => {
    const exit = await createExit(store);

    await changeExitTask(
      deps,
      exit.id,
      { kind: 'add', title: 'Call', dueOn: '2025-03-05' },
      'console',
    );

    const after = await store.get(exit.id);
    expect(Object.keys(after?.tasks ?? {})).toEqual(['t1']);
    expect(after?.openTaskDues).toEqual(['2025-03-05']);
  });

  it('refuses a task the exit does not have', async () => {
    const exit = await started();
    await expect(
      changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't99' }, 'console'),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses every change on an erased exit', async () => {
    const exit = await createExit(store, { erasedAt: START.toISOString() });
    await expect(
      changeExitTask(deps, exit.id, { kind: 'add', title: 'Call', dueOn: '2025-03-05' }, 'console'),
    ).rejects.toThrow(StateConflictError);
  });
});

describe('a new effective date', () => {
  it('moves the open tasks timed from it, not the ticked ones nor those timed from the notice', async () => {
    const exit = await started();
    await changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't5' }, 'console');

    await changeEffectiveDate(controls, exit.id, '2025-04-30', 'console');

    const after = await store.get(exit.id);
    expect(after?.tasks?.t1?.dueOn).toBe(exit.tasks?.t1?.dueOn);
    expect(after?.tasks?.t5?.dueOn).toBe(exit.tasks?.t5?.dueOn);
    expect(after?.tasks?.t6?.dueOn).toBe('2025-04-30');
    expect(after?.tasks?.t9?.dueOn).toBe('2025-03-28');
    expect(after?.openTaskDues).toContain('2025-04-30');
  });

  it('keeps a tick that lands between the read and the replan', async () => {
    const exit = await started();
    const raced = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'changeStatus') return Reflect.get(target, property, receiver);
        let first = true;
        const changeStatus: ExitStore['changeStatus'] = async (exitId, change) => {
          if (first) {
            first = false;
            await changeExitTask(deps, exitId, { kind: 'tick', taskId: 't6' }, 'console');
          }
          return target.changeStatus(exitId, change);
        };
        return changeStatus;
      },
    });

    await changeEffectiveDate({ ...controls, store: raced }, exit.id, '2025-04-30', 'console');

    const after = await store.get(exit.id);
    expect(after?.effectiveOn).toBe('2025-04-30');
    expect(after?.tasks?.t6).toMatchObject({ state: 'done', dueOn: exit.tasks?.t6?.dueOn });
    expect(after?.tasks?.t5?.dueOn).toBe('2025-04-30');
    expect(after?.tasks?.t7?.dueOn).toBe('2025-05-06');
  });
});

describe('exit.task.completed', () => {
  it('ticks the task named by title on every exit of the external id', async () => {
    const exit = await started();

    const result = await completeTasks(
      deps,
      { externalId: exit.externalId ?? '' },
      { title: ' return THE office keys ' },
    );

    expect(result).toMatchObject({
      outcome: 'applied',
      exits: [{ exitId: exit.id, changed: true }],
    });
    expect((await store.get(exit.id))?.tasks?.t9?.state).toBe('done');
  });

  it('leaves an exit of the same external id without that task as it is', async () => {
    const exit = await started();
    const older = await createExit(store, { externalId: exit.externalId ?? '' });

    const result = await completeTasks(
      deps,
      { externalId: exit.externalId ?? '' },
      { taskId: 't9' },
    );

    expect(result).toMatchObject({
      outcome: 'applied',
      exits: expect.arrayContaining([
        { exitId: exit.id, status: 'active', changed: true },
        { exitId: older.id, status: 'active', changed: false },
      ]),
    });
  });

  it('answers not found for a task the exit does not have', async () => {
    const exit = await started();
    await expect(completeTasks(deps, { exitId: exit.id }, { taskId: 't42' })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('the exits list filter "has overdue tasks"', () => {
  const listed = async (exitId: string, overdueBefore: string) =>
    (await store.listByStatus('active', { limit: 25, overdueBefore })).exits.some(
      (e) => e.id === exitId,
    );

  it('keeps an exit whose earliest open task is before the day, and drops it once ticked', async () => {
    const exit = await started();
    expect(exit.openTaskDues?.[0]).toBe('2025-03-03');
    expect(await listed(exit.id, '2025-03-04')).toBe(true);
    expect(await listed(exit.id, '2025-03-03')).toBe(false);

    await changeExitTask(deps, exit.id, { kind: 'tick', taskId: 't1' }, 'console');

    expect(await listed(exit.id, '2025-03-04')).toBe(false);
  });
});

function signed(payload: Record<string, unknown>, id?: string) {
  const { headers, body } = signWebhook(payload, id ? { id } : {});
  return { headers, body, isBase64Encoded: false } as never;
}

function webhookDeps(): WebhookDeps {
  return {
    verifier: new WebhookVerifier([TEST_WEBHOOK_SECRET]),
    startExit: {
      store,
      scheduler: harness.scheduler,
      clock,
      rules: DEFAULT_RULES,
      checklist,
      defaults: { timezone: 'Europe/London', locale: 'en-GB' },
    },
    controls,
  };
}

/** The fields a rejected webhook names. */
async function rejectedFields(payload: Record<string, unknown>): Promise<string[]> {
  const error = await handleExitWebhook(webhookDeps(), signed(payload)).then(
    () => undefined,
    (e: unknown) => e,
  );
  return thrownBy(ValidationError, () => {
    throw error;
  }).problems.map((p) => p.field);
}

describe('webhooks', () => {
  it('exit.requested adds its own tasks after the checklist, due on the effective date by default', async () => {
    const response = await handleExitWebhook(
      webhookDeps(),
      signed(
        exitRequested({
          effectiveOn: '2025-04-30',
          tasks: [{ title: 'Archive the Slack channel' }, { title: 'Call', dueOn: '2025-04-01' }],
        }),
      ),
    );

    const { exitId } = JSON.parse(String(response.body)) as { exitId: string };
    const tasks = Object.values((await store.get(exitId))?.tasks ?? {});
    expect(tasks.slice(-2)).toMatchObject([
      { title: 'Archive the Slack channel', dueOn: '2025-04-30', addedBy: 'webhook' },
      { title: 'Call', dueOn: '2025-04-01', addedBy: 'webhook' },
    ]);
    expect(tasks.slice(-1)[0]).not.toHaveProperty('due');
  });

  it('exit.requested names the task field that is wrong', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ title: `Task ${i}` }));
    expect(await rejectedFields(exitRequested({ tasks: many }))).toEqual(['data.tasks']);
    expect(await rejectedFields(exitRequested({ tasks: [{ title: 'x'.repeat(121) }] }))).toEqual([
      'data.tasks.0.title',
    ]);
    expect(
      await rejectedFields(exitRequested({ tasks: [{ title: 'A', dueOn: '2025-02-30' }] })),
    ).toEqual(['data.tasks.0.dueOn']);
    expect(await rejectedFields(exitRequested({ tasks: [{ title: 'A', owner: 'Jo' }] }))).toEqual([
      'data.tasks.0',
    ]);
  });

  it('exit.task.completed ticks the task once, and a redelivery answers the same', async () => {
    const exit = await started();
    const event = { type: 'exit.task.completed', data: { exitId: exit.id, taskId: 't2' } };

    const first = await handleExitWebhook(webhookDeps(), signed(event, 'msg_task_1'));
    const again = await handleExitWebhook(webhookDeps(), signed(event, 'msg_task_1'));

    expect(JSON.parse(String(first.body))).toEqual({
      exits: [{ exitId: exit.id, status: 'active', changed: true }],
    });
    expect(again.body).toBe(first.body);
    const after = await store.get(exit.id);
    expect(after?.tasks?.t2?.state).toBe('done');
    expect(after?.timeline.at(-1)?.detail).toContain('from the webhook');
  });

  it('exit.task.completed without a task reference names data.taskId', async () => {
    const exit = await started();
    expect(
      await rejectedFields({ type: 'exit.task.completed', data: { exitId: exit.id } }),
    ).toEqual(['data.taskId']);
  });
});

describe('erasure', () => {
  it("removes the tasks' notes and the titles typed for this exit, keeps the checklist's own", async () => {
    const exit = await started();
    await changeExitTask(
      deps,
      exit.id,
      { kind: 'note', taskId: 't1', note: 'Ada asked for Friday' },
      'console',
    );

    await eraseExit(
      {
        store,
        scheduler: harness.scheduler,
        clock,
        log: silentLog,
        suppressionKey: 'k'.repeat(32),
      },
      exit.id,
      'console',
    );

    const after = await store.get(exit.id);
    expect(after?.tasks?.t1).not.toHaveProperty('note');
    expect(after?.tasks?.t1?.title).toBe(checklist.firm[0]?.title);
    expect(after?.tasks?.t9?.title).toBe('Task (erased)');
    expect(JSON.stringify(after)).not.toContain('Ada asked');
    expect(JSON.stringify(after)).not.toContain('office keys');
  });
});
