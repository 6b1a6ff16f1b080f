import { erasureOf } from '../erasure.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Exit } from '../exit.js';
import { emailHash } from '../ids.js';
import type { Clock, EventLog, ExitStore, StepScheduler } from '../ports.js';
import { deleteSchedules } from './exit-controls.js';

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

const ATTEMPTS = 5;

/**
 * Erases an exit's personal data (see `erasure.ts`):
 *
 * 1. the address goes on the suppression list by its keyed hash, first, so that from this moment
 *    no send (of this exit or any other with that address) goes out, even if a later step fails;
 * 2. one conditional write anonymises the item and cancels it if it was running, retried from a
 *    fresh read when a concurrent write (a step being sent) changed it in between;
 * 3. every schedule of the exit is deleted (deleting one that is gone is fine).
 *
 * A step already claimed by a sender at that moment may still go out: it was on its way.
 */
export async function eraseExit(
  deps: EraseDeps,
  exitId: string,
  actor: 'console' | 'cli',
): Promise<EraseResult> {
  let before: Exit | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const exit = await deps.store.get(exitId);
    if (!exit) throw new NotFoundError(`No exit ${exitId}`);
    if (exit.erasedAt) return { exitId, erased: false };
    const at = deps.clock.now().toISOString();
    if (exit.client.email) {
      await deps.store.suppress(emailHash(deps.suppressionKey, exit.client.email), ERASED, at);
    }
    if (await deps.store.erase(exitId, erasureOf(exit, at, actor))) {
      before = exit;
      break;
    }
  }
  if (!before) throw new ConflictError(`Exit ${exitId} kept changing; try again`);
  await deleteSchedules(deps, exitId, Object.keys(before.steps));
  deps.log.info('exit erased', { exitId });
  return { exitId, erased: true };
}
