/**
 * Writing a decided change (see `exit-changes.ts`) to an exit: read, decide, one conditional
 * write; when a concurrent write (a step being sent, another operator) changed the exit in
 * between, read again and decide again, up to `ATTEMPTS` times.
 */
import { ConcurrentWriteError } from './errors.js';
import type { Exit } from './exit.js';
import type { Decision } from './exit-changes.js';
import { complete } from './exit-changes.js';
import type { EventLog, ExitStore, StatusChange, StepScheduler } from './ports.js';

/** How many times a change is decided and written before giving up on a busy exit. */
export const ATTEMPTS = 5;

export type ExitWriteResult<C, R extends string = string> =
  | { outcome: 'written'; change: C; before: Exit; after: Exit }
  | { outcome: 'unchanged'; exit: Exit }
  | { outcome: 'refused'; reason: R; exit: Exit }
  /** The exit does not exist (or is gone since it was read). */
  | { outcome: 'missing' };

export interface ExitWriteOptions<C> {
  /** The exit as just read (an opened link): spares the first read. */
  read?: Exit;
  /** The conditional write: the exit after it, or undefined when its condition failed. */
  write: (change: C, exit: Exit) => Promise<Exit | undefined>;
}

/**
 * Decides a change from a fresh read and writes it, deciding again from a new read each time the
 * write's condition fails. The default write is `store.changeStatus`. Throws
 * `ConcurrentWriteError` when every attempt lost.
 */
export function writeExitChange<R extends string>(
  store: ExitStore,
  exitId: string,
  decide: (exit: Exit) => Decision<StatusChange, R>,
  options?: Partial<ExitWriteOptions<StatusChange>>,
): Promise<ExitWriteResult<StatusChange, R>>;
export function writeExitChange<C, R extends string>(
  store: ExitStore,
  exitId: string,
  decide: (exit: Exit) => Decision<C, R>,
  options: ExitWriteOptions<C>,
): Promise<ExitWriteResult<C, R>>;
export async function writeExitChange<C, R extends string>(
  store: ExitStore,
  exitId: string,
  decide: (exit: Exit) => Decision<C, R>,
  options: Partial<ExitWriteOptions<C>> = {},
): Promise<ExitWriteResult<C, R>> {
  const write =
    options.write ??
    ((change: C, exit: Exit) => store.changeStatus(exit.id, change as StatusChange));
  let exit = options.read ?? (await store.get(exitId));
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (attempt > 0) exit = await store.get(exitId);
    if (!exit) return { outcome: 'missing' };
    const decision = decide(exit);
    if (decision.outcome === 'unchanged') return { outcome: 'unchanged', exit };
    if (decision.outcome === 'refused')
      return { outcome: 'refused', reason: decision.reason, exit };
    const after = await write(decision.change, exit);
    if (after) return { outcome: 'written', change: decision.change, before: exit, after };
  }
  throw new ConcurrentWriteError(`Exit ${exitId} kept changing; try again`);
}

/**
 * Marks an active exit completed, `detail` saying why nothing is left to send. One conditional
 * write, not retried: losing it means the exit is no longer active, or a step came back.
 */
export function completeExit(
  store: ExitStore,
  exitId: string,
  at: string,
  detail: string,
): Promise<Exit | undefined> {
  return store.changeStatus(exitId, complete(at, detail));
}

/**
 * Deletes the schedules of steps a change took out of the plan. Best effort: a schedule left
 * behind fires, finds its step skipped (or gone) and does nothing, so failures are only logged.
 */
export async function deleteSchedules(
  deps: { scheduler: StepScheduler; log: EventLog },
  exitId: string,
  stepIds: readonly string[],
  after: string,
): Promise<void> {
  const results = await Promise.allSettled(stepIds.map((id) => deps.scheduler.cancel(exitId, id)));
  const failed = results.filter((result) => result.status === 'rejected').length;
  if (failed > 0) deps.log.warn(`schedules left after ${after}`, { exitId, failed });
}
