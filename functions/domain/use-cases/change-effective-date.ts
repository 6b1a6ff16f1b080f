import { ConflictError, ValidationError } from '../errors.js';
import { type Exit, pendingSteps } from '../exit.js';
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
 * (see `admitEffectiveDate`), which mean today. A webhook's change carries when it was sent
 * (`sentAt`): one older than the last date change recorded loses, and one that finds the date
 * already set is still recorded, so that an older one arriving later loses too.
 */
export async function changeEffectiveDate(
  deps: ExitControlDeps,
  exitId: string,
  effectiveOn: string,
  actor: 'console' | 'cli' | 'webhook',
  /** `field`: how the caller names the date in a `ValidationError`. */
  options: { field?: string; sentAt?: string } = {},
): Promise<ControlResult> {
  const { field = 'effectiveOn', sentAt } = options;
  const date = parseEffectiveDate(effectiveOn, field);
  let wanted = date;
  const plan = (exit: Exit) => {
    if (exit.status !== 'active' && exit.status !== 'paused') {
      throw new ConflictError(`A ${exit.status} exit cannot be replanned`);
    }
    const stale =
      sentAt !== undefined && exit.lastRescheduleAt !== undefined && sentAt < exit.lastRescheduleAt;
    if (stale || exit.effectiveOn === date) return { exitId, status: exit.status, changed: false };
    // The same rule as a new exit's: a few days past means today, further back is refused.
    const admitted = admitEffectiveDate(
      date,
      deps.clock.now(),
      exit.client.timezone,
      deps.rules.effectiveDate.pastGraceDays,
      field,
    );
    wanted = admitted;
    if (exit.effectiveOn === admitted) return { exitId, status: exit.status, changed: false };
    const change = replanForEffectiveDate(exit, admitted, deps.clock.now(), deps.rules, actor);
    return sentAt ? { ...change, rescheduleAt: sentAt } : change;
  };
  let outcome = await applyChange(deps, exitId, plan);
  for (let attempt = 1; sentAt && attempt < 5; attempt += 1) {
    const seen = outcome.unchanged;
    const newer = !seen?.lastRescheduleAt || seen.lastRescheduleAt < sentAt;
    if (!seen || seen.effectiveOn !== wanted || !newer) break;
    if (await deps.store.recordReschedule(exitId, wanted, sentAt)) break;
    // A concurrent change beat the record: decide again on a fresh read.
    outcome = await applyChange(deps, exitId, plan);
  }
  const { result, before, after } = outcome;
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
