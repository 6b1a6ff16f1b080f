import { sendNow } from '../exit-changes.js';
import { type ControlResult, type ExitControlDeps, writeControl } from './exit-controls.js';

export interface SendNowResult extends ControlResult {
  stepId: string;
  /** False when the step had gone out, or was on its way, already: nothing was moved. */
  changed: boolean;
}

/**
 * "Send the next step now": the send itself goes the usual way (the schedule fires, the sender
 * claims the step), so it happens at most once.
 * 1. Load the exit and decide (`sendNow`): the operator names the step they saw as next; when it
 *    is no longer the next pending one (a double submit, the step went out meanwhile), nothing
 *    changes, so one click never sends two steps. Only an active exit sends.
 * 2. Write the step's new due time (now), deciding again from a fresh read when a concurrent
 *    write got there first; a step already due needs no write.
 * 3. Schedule the step at its due time.
 */
export async function sendStepNow(
  deps: ExitControlDeps,
  exitId: string,
  stepId: string,
  actor: 'console' | 'cli',
): Promise<SendNowResult> {
  let dueAt: string | undefined;
  const { result } = await writeControl(deps, exitId, (exit) => {
    const decision = sendNow(exit, stepId, deps.clock.now(), actor);
    dueAt = decision.dueAt;
    return decision;
  });
  if (dueAt) await deps.scheduler.schedule(exitId, stepId, new Date(dueAt));
  deps.log.info('step sent now', { exitId, stepId, changed: Boolean(dueAt) });
  return { ...result, stepId, changed: Boolean(dueAt) };
}
