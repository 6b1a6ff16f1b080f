import { ConflictError, ValidationError } from '../errors.js';
import { pendingSteps } from '../exit.js';
import { admitEffectiveDate, DATE_MESSAGE, isPlausibleDate } from '../exit-request.js';
import { replanForEffectiveDate } from '../replan.js';
import {
  applyChange,
  type ControlResult,
  deleteSchedules,
  type ExitControlDeps,
} from './exit-controls.js';

/** A plausible calendar date as `YYYY-MM-DD`, or a `ValidationError` naming `field`. */
export function parseEffectiveDate(value: string, field = 'effectiveOn'): string {
  const date = value.trim();
  if (!isPlausibleDate(date)) throw new ValidationError([{ field, message: DATE_MESSAGE }]);
  return date;
}

/**
 * Moves an active or paused exit to a new effective date (the notice period changed, the client
 * asked for more time). Steps already sent stay; those still ahead are replanned from the new
 * date (see `replanForEffectiveDate`) in one conditional write, then their schedules follow:
 * moved ones are scheduled again (scheduling replaces a schedule for another time), removed ones
 * deleted. A paused exit gets no schedules; resuming it creates them. Once the notice went out,
 * the same write adds a `date-change` step due at once, which tells the client the new date.
 * A date before the client's today is refused, but for the few days of grace a new exit has
 * (see `admitEffectiveDate`), which mean today.
 */
export async function changeEffectiveDate(
  deps: ExitControlDeps,
  exitId: string,
  effectiveOn: string,
  actor: 'console' | 'cli',
): Promise<ControlResult> {
  const date = parseEffectiveDate(effectiveOn);
  const { result, before, after } = await applyChange(deps, exitId, (exit) => {
    if (exit.status !== 'active' && exit.status !== 'paused') {
      throw new ConflictError(`A ${exit.status} exit cannot be replanned`);
    }
    if (exit.effectiveOn === date) return { exitId, status: exit.status, changed: false };
    // The same rule as a new exit's: a few days past means today, further back is refused.
    const admitted = admitEffectiveDate(
      date,
      deps.clock.now(),
      exit.client.timezone,
      deps.rules.effectiveDate.pastGraceDays,
    );
    if (exit.effectiveOn === admitted) return { exitId, status: exit.status, changed: false };
    return replanForEffectiveDate(exit, admitted, deps.clock.now(), deps.rules, actor);
  });
  if (before && after) {
    const gone = pendingSteps(before)
      .filter((step) => after.steps[step.id]?.state !== 'scheduled')
      .map((step) => step.id);
    await deleteSchedules(deps, exitId, gone);
    if (after.status === 'active') {
      for (const step of pendingSteps(after)) {
        await deps.scheduler.schedule(exitId, step.id, new Date(step.dueAt));
      }
    }
    deps.log.info('exit replanned', { exitId });
  }
  return result;
}
