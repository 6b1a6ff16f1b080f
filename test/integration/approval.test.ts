import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { StateConflictError } from '../../functions/domain/errors.js';
import type { Exit } from '../../functions/domain/exit.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { approveExit, discardExit } from '../../functions/domain/use-cases/approve-exit.js';
import { eraseExit } from '../../functions/domain/use-cases/erase-exit.js';
import type { ExitControlDeps } from '../../functions/domain/use-cases/exit-controls.js';
import { reconcile } from '../../functions/domain/use-cases/reconcile.js';
import { startControlHarness } from '../support/control-harness.js';
import { createExit } from '../support/exit-fixture.js';
import { silentLog } from '../support/silent-log.js';
import { startForFile } from '../support/start-for-file.js';

/** Before every step of the fixture exit is due; the exit waited a day for approval. */
const START = new Date('2025-03-04T09:00:00.000Z');

let now: Date;
const clock = { now: () => now };

const harness = startForFile(() => startControlHarness(clock));
let store: DynamoExitStore;
let deps: ExitControlDeps;
let tables = 0;

beforeAll(() => {
  now = START;
});

// The reconciler reads every active exit of its table: each test gets a table of its own.
beforeEach(async () => {
  now = START;
  tables += 1;
  store = await harness.store(`farewell-approval-${tables}`);
  deps = { store, scheduler: harness.scheduler, clock, log: silentLog, rules: DEFAULT_RULES };
});

/** A stored exit waiting for approval, as `startExit` leaves it: planned, nothing scheduled. */
const awaitingExit = (overrides: Partial<Exit> = {}) =>
  createExit(store, { status: 'awaiting-approval', source: 'webhook', ...overrides });

describe('approving an exit that waits', () => {
  it('two approvals at once make one plan: one approval recorded, one notice schedule', async () => {
    const exit = await awaitingExit();

    const results = await Promise.all([
      approveExit(deps, exit.id, 'console', 'First paragraph.'),
      approveExit(deps, exit.id, 'console', 'Second paragraph.'),
    ]);

    expect(results.filter((result) => result.changed)).toHaveLength(1);
    const after = await store.get(exit.id);
    expect(after?.status).toBe('active');
    expect(after?.timeline.filter((entry) => entry.event === 'exit.approved')).toHaveLength(1);
    expect(['First paragraph.', 'Second paragraph.']).toContain(after?.personalNote);
    // The notice period is kept: a day later, the effective date moves a day.
    expect(after?.effectiveOn).toBe('2025-04-01');
    const scheduled = harness.scheduledStepIds(exit.id);
    expect(scheduled.filter((id) => id === 'notice')).toHaveLength(1);
    expect(scheduled.sort()).toEqual(Object.keys(after?.steps ?? {}).sort());
  });

  it('a second approval later changes nothing', async () => {
    const exit = await awaitingExit();
    await approveExit(deps, exit.id, 'console');
    const first = await store.get(exit.id);

    const again = await approveExit(deps, exit.id, 'console', 'Too late for this one.');

    expect(again.changed).toBe(false);
    const after = await store.get(exit.id);
    expect(after?.timeline).toHaveLength(first?.timeline.length ?? -1);
    expect(after?.personalNote).toBeUndefined();
  });
});

describe('discarding an exit that waits', () => {
  it('cancels it with every step skipped and nothing scheduled', async () => {
    const exit = await awaitingExit();

    const result = await discardExit(deps, exit.id, 'console');

    expect(result).toEqual({ exitId: exit.id, status: 'cancelled', changed: true });
    const after = await store.get(exit.id);
    expect(Object.values(after?.steps ?? {}).every((step) => step.state === 'skipped')).toBe(true);
    expect(after?.timeline.at(-1)?.event).toBe('exit.discarded');
    expect(harness.scheduledStepIds(exit.id)).toEqual([]);
    await expect(approveExit(deps, exit.id, 'console')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('refuses an exit already approved', async () => {
    const exit = await awaitingExit();
    await approveExit(deps, exit.id, 'console');
    await expect(discardExit(deps, exit.id, 'console')).rejects.toBeInstanceOf(StateConflictError);
  });
});

describe('erasing', () => {
  it('an exit that waits cancels it, every step skipped', async () => {
    const exit = await awaitingExit();

    await eraseExit({ ...deps, suppressionKey: 's'.repeat(32) }, exit.id, 'console');

    const after = await store.get(exit.id);
    expect(after?.status).toBe('cancelled');
    expect(Object.values(after?.steps ?? {}).every((step) => step.state === 'skipped')).toBe(true);
  });

  it('an approved exit drops its personal paragraph, which may quote the client', async () => {
    const exit = await awaitingExit();
    await approveExit(deps, exit.id, 'console', 'Dear Ada, thank you.');

    await eraseExit({ ...deps, suppressionKey: 's'.repeat(32) }, exit.id, 'console');

    expect((await store.get(exit.id))?.personalNote).toBeUndefined();
  });
});

describe('reconcile and exits that wait', () => {
  it('creates no schedule for an exit awaiting approval', async () => {
    const exit = await awaitingExit();

    await reconcile({ store, scheduler: harness.scheduler, clock, log: silentLog });

    expect(harness.scheduledStepIds(exit.id)).toEqual([]);
    expect((await store.get(exit.id))?.status).toBe('awaiting-approval');
  });

  it('lists exits awaiting approval under their own status', async () => {
    const exit = await awaitingExit();
    const page = await store.listByStatus('awaiting-approval');
    expect(page.exits.map((listed) => listed.id)).toEqual([exit.id]);
  });
});
