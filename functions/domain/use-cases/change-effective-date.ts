import { ValidationError } from '../errors.js';
import { pendingSteps } from '../exit.js';
import { changeDate } from '../exit-changes.js';
import { DATE_MESSAGE, isPlausibleDate } from '../exit-request.js';
import { deleteSchedules } from '../exit-writes.js';
import { type ControlResult, type ExitControlDeps, writeControl } from './exit-controls.js';

/** A plausible calendar date as `YYYY-MM-DD`, or a `ValidationError` naming `field`. */
export function parseEffectiveDate(value: string, field = 'effectiveOn'): string {
  const date = value.trim();
  if (!isPlausibleDate(date)) throw new ValidationError([{ field, message: DATE_MESSAGE }]);
  return date;
}

/**
 * Moves an active or paused exit to a new effective date (the notice period changed, the client
 * asked for more time):
 * 1. Check the date is a plausible calendar date.
 * 2. Load the exit and decide the replan (`changeDate`): steps already sent stay; those still
 *    ahead are replanned from the new date (see `replanForEffectiveDate`); once the notice went
 *    out, a `date-change` step due at once tells the client the new date. A date before the
 *    client's today is refused.
 * 3. Write it in one conditional write, deciding again from a fresh read when a concurrent
 *    write got there first.
 * 4. The schedules follow: removed steps' are deleted; an active exit's pending steps are
 *    scheduled again (scheduling replaces a schedule for another time). A paused exit gets no
 *    schedules; resuming it creates them.
 */
export async function changeEffectiveDate(
  deps: ExitControlDeps,
  exitId: string,
  effectiveOn: string,
  actor: 'console' | 'cli',
): Promise<ControlResult> {
  const date = parseEffectiveDate(effectiveOn);
  const { result, before, after } = await writeControl(deps, exitId, (exit) =>
    changeDate(exit, date, deps.clock.now(), deps.rules, actor),
  );
  if (before && after) {
    const gone = pendingSteps(before)
      .filter((step) => after.steps[step.id]?.state !== 'scheduled')
      .map((step) => step.id);
    await deleteSchedules(deps, exitId, gone, 'a status change');
    if (after.status === 'active') {
      for (const step of pendingSteps(after)) {
        await deps.scheduler.schedule(exitId, step.id, new Date(step.dueAt));
      }
    }
    deps.log.info('exit replanned', { exitId });
  }
  return result;
}
