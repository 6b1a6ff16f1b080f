import { ConflictError } from '../errors.js';
import { orderedSteps } from '../exit.js';
import { applyChange, type ControlResult, type ExitControlDeps } from './exit-controls.js';

export interface SendNowResult extends ControlResult {
  stepId: string;
  /** False when the step had gone out, or was on its way, already: nothing was moved. */
  changed: boolean;
}

/**
 * "Send the next step now": moves the exit's next pending step to now and schedules it. The send
 * itself goes the usual way (the schedule fires, the sender claims the step), so it happens at
 * most once. The operator names the step they saw as next: when it is no longer the next pending
 * one (a double submit, the step went out meanwhile), nothing changes, so one click never sends
 * two steps.
 */
export async function sendStepNow(
  deps: ExitControlDeps,
  exitId: string,
  stepId: string,
  actor: 'console' | 'cli',
): Promise<SendNowResult> {
  let dueAt: string | undefined;
  const { result } = await applyChange(deps, exitId, (exit) => {
    dueAt = undefined;
    if (exit.status !== 'active') {
      throw new ConflictError(`A ${exit.status} exit sends nothing; resume it first`);
    }
    const next = orderedSteps(exit).find((step) => step.state === 'scheduled');
    if (next?.id !== stepId) return { exitId, status: exit.status, changed: false };
    const now = deps.clock.now();
    const at = now.toISOString();
    // Whole seconds, as every planned due time: the schedule's due time must equal the step's.
    dueAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    if (Date.parse(next.dueAt) <= Date.parse(dueAt)) {
      // Already due: its schedule only needs to exist (below); nothing to write.
      dueAt = next.dueAt;
      return { exitId, status: exit.status, changed: true };
    }
    return {
      from: ['active'],
      to: 'active',
      at,
      reschedule: { [stepId]: dueAt },
      entry: {
        at,
        event: 'step.rescheduled',
        stepId,
        detail: `Moved from ${next.dueAt} to now from the ${actor} (send now).`,
      },
    };
  });
  if (dueAt) await deps.scheduler.schedule(exitId, stepId, new Date(dueAt));
  deps.log.info('step sent now', { exitId, stepId, changed: Boolean(dueAt) });
  return { ...result, stepId, changed: Boolean(dueAt) };
}
