import { NotFoundError } from '../errors.js';
import { erase } from '../exit-changes.js';
import { deleteSchedules, writeExitChange } from '../exit-writes.js';
import { emailHash } from '../ids.js';
import type { Clock, EventLog, ExitStore, StepScheduler } from '../ports.js';

export interface EraseDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
  suppressionKey: string;
}

export interface EraseResult {
  exitId: string;
  /** False when the exit had been erased already (the call is idempotent). */
  erased: boolean;
}

/** Why the suppression list holds an address whose exit was erased. */
export const ERASED = 'erased';

/**
 * Erases an exit's personal data (see `erasure.ts`):
 * 1. Load the exit and decide the erasure (`erase`); an exit erased already stays as it is.
 * 2. Put the address on the suppression list by its keyed hash, first, so that from this moment
 *    no send (of this exit or any other with that address) goes out, even if a later step fails.
 * 3. Write the erasure: one conditional write anonymises the item and cancels it if it was
 *    running, decided again from a fresh read when a concurrent write (a step being sent)
 *    changed it in between.
 * 4. Delete every schedule of the exit (deleting one that is gone is fine).
 *
 * A step already claimed by a sender at that moment may still go out: it was on its way.
 */
export async function eraseExit(
  deps: EraseDeps,
  exitId: string,
  actor: 'console' | 'cli',
): Promise<EraseResult> {
  const result = await writeExitChange(
    deps.store,
    exitId,
    (exit) => erase(exit, deps.clock.now().toISOString(), actor),
    {
      write: async (erasure, exit) => {
        if (exit.client.email) {
          const hash = emailHash(deps.suppressionKey, exit.client.email);
          await deps.store.suppress(hash, ERASED, erasure.at);
        }
        return deps.store.erase(exitId, erasure);
      },
    },
  );
  if (result.outcome === 'missing') throw new NotFoundError(`No exit ${exitId}`);
  if (result.outcome !== 'written') return { exitId, erased: false };
  await deleteSchedules(deps, exitId, Object.keys(result.before.steps), 'a status change');
  deps.log.info('exit erased', { exitId });
  return { exitId, erased: true };
}
