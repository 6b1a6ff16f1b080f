import type { SchedulerEmulator } from './scheduler-emulator.js';
import type { VirtualClock } from './virtual-clock.js';

export interface TimeTravelResult {
  now: string;
  fired: number;
}

/**
 * Moves the virtual clock `days` forward and fires every schedule that becomes due on the way,
 * each with the clock set to its own due time, so a handler sees the time it would in AWS.
 * Answers once every fired step is done.
 */
export async function timeTravel(
  clock: VirtualClock,
  scheduler: SchedulerEmulator,
  days: number,
): Promise<TimeTravelResult> {
  const target = new Date(clock.now().getTime() + days * 86_400_000);
  let fired = await scheduler.fireDue(clock.now());
  for (let next = scheduler.nextDueAt(); next && next <= target; ) {
    clock.advanceTo(next);
    const count = await scheduler.fireDue(next);
    fired += count;
    const after = scheduler.nextDueAt();
    // A schedule that is due but does not fire would loop forever: stop and let the timer retry.
    if (count === 0 && after?.getTime() === next.getTime()) break;
    next = after;
  }
  clock.advanceTo(target);
  fired += await scheduler.fireDue(target);
  return { now: clock.now().toISOString(), fired };
}
