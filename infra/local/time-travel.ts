import type { SchedulerEmulator } from './scheduler-emulator.js';
import type { VirtualClock } from './virtual-clock.js';

export interface TimeTravelResult {
  now: string;
  fired: number;
  /** Schedules the reconciler repaired on the way. */
  repaired: number;
}

/** Covers the lead the scheduler adapter adds to a schedule created for a time already past. */
const REPAIR_LEAD_MS = 5_000;

/**
 * Moves the virtual clock `days` forward and fires every schedule that becomes due on the way,
 * each with the clock set to its own due time, so a handler sees the time it would in AWS.
 * Answers once every fired step is done.
 */
export async function timeTravel(
  clock: VirtualClock,
  scheduler: SchedulerEmulator,
  days: number,
  /** Runs the reconciler; returns how many schedules it repaired. */
  reconcile: () => Promise<number>,
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
  // As the daily reconciler would on AWS: repair what lost its schedule, then send what is due.
  let repaired = 0;
  for (let round = 0; round < 3; round += 1) {
    const count = await reconcile();
    repaired += count;
    if (count === 0) break;
    // Repaired schedules are created a moment ahead of now (never in the past): include them.
    fired += await scheduler.fireDue(new Date(target.getTime() + REPAIR_LEAD_MS));
  }
  return { now: clock.now().toISOString(), fired, repaired };
}
