import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitToItem } from '../../functions/adapters/dynamo-exit-mapping.js';
import type { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { backfillReconcileMarks } from '../../functions/adapters/dynamo-reconcile-backfill.js';
import type { EventBridgeStepScheduler } from '../../functions/adapters/eventbridge-step-scheduler.js';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { type ReconcileDeps, reconcile } from '../../functions/domain/use-cases/reconcile.js';
import { startControlHarness } from '../support/control-harness.js';
import { buildExit, createExit } from '../support/exit-fixture.js';
import { silentLog } from '../support/silent-log.js';
import { startForFile } from '../support/start-for-file.js';

/** Before every step of the fixture exit is due. */
const START = new Date('2025-03-03T09:00:00.000Z');

let now: Date;
const clock = { now: () => now };

const harness = startForFile(() => startControlHarness(clock));
let scheduler: EventBridgeStepScheduler;
let deps: ReconcileDeps;
let store: DynamoExitStore;
let tables = 0;
let tableName = '';

beforeAll(async () => {
  scheduler = harness.scheduler;
});

// The reconciler reads every active exit of its table: each test gets a table of its own.
beforeEach(async () => {
  now = START;
  tables += 1;
  tableName = `farewell-reconcile-${tables}`;
  store = await harness.store(tableName);
  deps = { store, scheduler, clock, log: silentLog };
});

const storedExit = (overrides: Partial<Exit> = {}) => createExit(store, overrides);

/** What the system has after starting an exit: the exit and a schedule per pending step. */
const startedExit = (overrides: Partial<Exit> = {}) => harness.start(store, buildExit(overrides));

const scheduledStepIds = (exit: Exit) => harness.scheduledStepIds(exit.id);

/** The event a step's schedule will deliver. */
const scheduledEvent = (exit: Exit, stepId: string) => harness.scheduledEvent(exit.id, stepId);

/** Every step of the fixture with `state`, except those given. */
function stepsIn(state: Step['state'], except: Record<string, Step> = {}): Record<string, Step> {
  const steps: Record<string, Step> = {};
  for (const step of Object.values(buildExit().steps)) {
    steps[step.id] = except[step.id] ?? { ...step, state, attempts: 1 };
  }
  return steps;
}

const ALL_STEPS = ['check-in-1', 'gratitude', 'notice', 'survey', 'survey-reminder'];

/** A claim taken just after check-in 1 fell due, by a sender that then died. */
const DEAD_SENDER = {
  token: 'dead-sender',
  now: '2025-09-30T08:00:01.000Z',
  expiresAt: '2025-09-30T08:02:01.000Z',
};

function fixtureStep(id: string): Step {
  const step = buildExit().steps[id];
  if (!step) throw new Error(`the fixture has no step ${id}`);
  return step;
}

describe('reconcile', () => {
  it('re-creates the schedule of a pending step whose schedule was deleted', async () => {
    const exit = await startedExit();
    await scheduler.cancel(exit.id, 'survey');

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 1, schedulesRepaired: 1, exitsCompleted: 0 });
    expect(scheduledStepIds(exit)).toEqual(ALL_STEPS);
    expect(scheduledEvent(exit, 'survey')?.dueAt).toBe(exit.steps.survey?.dueAt);
  });

  it('repairs nothing on a second run, and does not read the exit again', async () => {
    const exit = await startedExit();
    await scheduler.cancel(exit.id, 'survey');
    await reconcile(deps);
    const schedules = harness.emulator.list();

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 0, schedulesRepaired: 0, exitsCompleted: 0 });
    expect(harness.emulator.list()).toEqual(schedules);
  });

  it('completes an active exit whose every step is final', async () => {
    const exit = await storedExit({
      steps: stepsIn('sent', {
        'check-in-1': { ...fixtureStep('check-in-1'), state: 'failed', reason: 'rejected' },
      }),
    });

    const report = await reconcile(deps);

    const after = await store.get(exit.id);
    expect(report.exitsCompleted).toBe(1);
    expect(after?.status).toBe('completed');
    expect(after?.timeline.at(-1)).toMatchObject({ event: 'exit.completed' });
    expect((await store.listByStatus('completed')).exits.map((e) => e.id)).toEqual([exit.id]);
  });

  it('schedules a step left sending by a sender whose lease expired', async () => {
    const exit = await storedExit({
      steps: stepsIn('sent', { 'check-in-1': fixtureStep('check-in-1') }),
    });
    await store.claimStep(exit.id, 'check-in-1', DEAD_SENDER);
    now = new Date('2025-09-30T08:10:00.000Z');

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 1, schedulesRepaired: 1, exitsCompleted: 0 });
    expect(scheduledStepIds(exit)).toEqual(['check-in-1']);
    expect(scheduledEvent(exit, 'check-in-1')?.dueAt).toBe('2025-09-30T08:00:00.000Z');
  });

  it('leaves alone a step whose sender still holds the lease', async () => {
    const exit = await storedExit({
      steps: stepsIn('sent', { 'check-in-1': fixtureStep('check-in-1') }),
    });
    await store.claimStep(exit.id, 'check-in-1', DEAD_SENDER);
    now = new Date('2025-09-30T08:01:00.000Z');

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 1, schedulesRepaired: 0, exitsCompleted: 0 });
    expect(scheduledStepIds(exit)).toEqual([]);
    expect((await store.get(exit.id))?.status).toBe('active');
  });

  it('ignores paused exits', async () => {
    const exit = await storedExit({ status: 'paused' });

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 0, schedulesRepaired: 0, exitsCompleted: 0 });
    expect(scheduledStepIds(exit)).toEqual([]);
    expect((await store.get(exit.id))?.status).toBe('paused');
  });

  it('checks and repairs every active exit', async () => {
    const exits = [
      await startedExit({ createdAt: '2025-03-01T09:00:00.000Z' }),
      await startedExit({ createdAt: '2025-03-02T09:00:00.000Z' }),
      await startedExit({ createdAt: '2025-03-03T09:00:00.000Z' }),
    ];
    for (const exit of exits) await scheduler.cancel(exit.id, 'gratitude');

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 3, schedulesRepaired: 3, exitsCompleted: 0 });
    for (const exit of exits) expect(scheduledStepIds(exit)).toEqual(ALL_STEPS);
  });

  it('repairs nothing on a second run for an overdue step it already rescheduled', async () => {
    const exit = await storedExit({
      steps: stepsIn('sent', { 'check-in-1': fixtureStep('check-in-1') }),
    });
    await store.claimStep(exit.id, 'check-in-1', DEAD_SENDER);
    // An hour after the step was due: overdue, and its sender long gone.
    now = new Date('2025-09-30T09:00:00.000Z');
    await reconcile(deps);
    const schedules = harness.emulator.list();

    const report = await reconcile(deps);

    expect(harness.emulator.list()).toEqual(schedules);
    expect(report).toEqual({ exitsChecked: 0, schedulesRepaired: 0, exitsCompleted: 0 });
  });
});

/** Every call a run makes through its ports, by port and method. */
function counted(): { deps: ReconcileDeps; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = <T extends object>(port: string, target: T): T =>
    new Proxy(target, {
      get(object, name, receiver) {
        const value = Reflect.get(object, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const key = `${port}.${String(name)}`;
          calls[key] = (calls[key] ?? 0) + 1;
          return value.apply(object, args);
        };
      },
    });
  return {
    deps: { ...deps, store: count('store', store), scheduler: count('scheduler', scheduler) },
    calls,
  };
}

/** Sent but for check-in 1, due 2025-09-30T08:00Z, with its schedule. */
const waitingForCheckIn = () =>
  startedExit({ steps: stepsIn('sent', { 'check-in-1': fixtureStep('check-in-1') }) });

describe('reconcile reads only what is due', () => {
  it('neither reads nor checks an exit whose next step is months away', async () => {
    const exit = await waitingForCheckIn();
    await reconcile(deps);
    now = new Date('2025-06-01T09:00:00.000Z');
    const { deps: countedDeps, calls } = counted();

    const report = await reconcile(countedDeps);

    expect(report).toEqual({ exitsChecked: 0, schedulesRepaired: 0, exitsCompleted: 0 });
    // One listing (of the due marks only), no schedule read, no write.
    expect(calls).toEqual({ 'store.listReconcileDue': 1 });
    expect(scheduledStepIds(exit)).toEqual(['check-in-1']);
  });

  it('checks a step the day before it is due and repairs its lost schedule then', async () => {
    const exit = await waitingForCheckIn();
    await reconcile(deps);
    await scheduler.cancel(exit.id, 'check-in-1');
    now = new Date('2025-09-29T09:00:00.000Z');
    const { deps: countedDeps, calls } = counted();

    const report = await reconcile(countedDeps);

    expect(report).toEqual({ exitsChecked: 1, schedulesRepaired: 1, exitsCompleted: 0 });
    expect(scheduledEvent(exit, 'check-in-1')?.dueAt).toBe('2025-09-30T08:00:00.000Z');
    // The page with the exit, then the shards after it (none when it sits in the last one).
    expect(calls['store.listReconcileDue']).toBeLessThanOrEqual(2);
    expect({ ...calls, 'store.listReconcileDue': 0 }).toEqual({
      'store.listReconcileDue': 0,
      'scheduler.exists': 1,
      'scheduler.schedule': 1,
      'store.markReconciled': 1,
    });
  });

  it('repairs a step found overdue, having not read the exit since the day before', async () => {
    const exit = await waitingForCheckIn();
    await reconcile(deps);
    now = new Date('2025-09-29T09:00:00.000Z');
    await reconcile(deps);
    // The schedule fired into a failure and is gone; the step is still scheduled.
    await scheduler.cancel(exit.id, 'check-in-1');
    now = new Date('2025-09-30T09:00:00.000Z');

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 1, schedulesRepaired: 1, exitsCompleted: 0 });
    expect(scheduledStepIds(exit)).toEqual(['check-in-1']);
  });

  it('completes an exit left with nothing to send when its last step was due', async () => {
    const exit = await waitingForCheckIn();
    await reconcile(deps);
    await store.changeStatus(exit.id, {
      from: ['active'],
      to: 'active',
      at: '2025-03-03T10:00:00.000Z',
      skip: { stepIds: ['check-in-1'], reason: 'test' },
      entry: { at: '2025-03-03T10:00:00.000Z', event: 'exit.updated' },
    });
    now = new Date('2025-03-03T11:00:00.000Z');

    const report = await reconcile(deps);

    expect(report).toEqual({ exitsChecked: 1, schedulesRepaired: 0, exitsCompleted: 1 });
    expect((await store.get(exit.id))?.status).toBe('completed');
    expect((await store.listReconcileDue('2999-01-01T00:00:00.000Z')).exits).toEqual([]);
  });

  it('forgets a paused exit and reads it again once resumed', async () => {
    const exit = await waitingForCheckIn();
    const pause = (from: 'active' | 'paused', to: 'active' | 'paused', at: string) =>
      store.changeStatus(exit.id, { from: [from], to, at, entry: { at, event: `exit.${to}` } });
    await pause('active', 'paused', '2025-03-03T10:00:00.000Z');
    now = new Date('2025-03-03T11:00:00.000Z');
    expect((await reconcile(deps)).exitsChecked).toBe(0);

    await pause('paused', 'active', '2025-03-03T12:00:00.000Z');
    now = new Date('2025-03-03T13:00:00.000Z');

    expect((await reconcile(deps)).exitsChecked).toBe(1);
  });

  it('stops on its time budget and the next run carries on', async () => {
    const exits = [];
    for (let n = 0; n < 12; n += 1)
      exits.push(await startedExit({ id: `x${String(n).padStart(24, '0')}` }));
    for (const exit of exits) await scheduler.cancel(exit.id, 'gratitude');

    const first = await reconcile({ ...deps, budgetMs: 0 });
    const second = await reconcile(deps);

    expect(first.unfinished).toBe(true);
    expect(first.exitsChecked).toBeLessThan(12);
    expect(second.unfinished).toBeUndefined();
    expect(first.exitsChecked + second.exitsChecked).toBe(12);
    expect(first.schedulesRepaired + second.schedulesRepaired).toBe(12);
  });

  it('sees exits written before its index once they are backfilled, idempotently', async () => {
    // An active exit as written before the index: no reconcile mark.
    const { gsi3pk: _shard, gsi3sk: _mark, ...old } = exitToItem(buildExit());
    await harness.documents.send(new PutCommand({ TableName: tableName, Item: old }));
    await storedExit({ status: 'paused' });
    expect((await reconcile(deps)).exitsChecked).toBe(0);

    const report = await backfillReconcileMarks(harness.documents, tableName, now.toISOString());
    const again = await backfillReconcileMarks(harness.documents, tableName, now.toISOString());

    expect(report).toEqual({ marked: 1, skipped: 0 });
    expect(again).toEqual({ marked: 0, skipped: 1 });
    expect((await reconcile(deps)).exitsChecked).toBe(1);
  });
});
