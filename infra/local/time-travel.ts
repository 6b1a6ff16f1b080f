import type { IncomingMessage } from 'node:http';
import { json, problem } from '../../functions/handlers/http/responses.js';
import type { AsyncInvoker } from './async-invoke.js';
import type { LocalRoute } from './http-gateway.js';
import type { SchedulerEmulator } from './scheduler-emulator.js';
import type { VirtualClock } from './virtual-clock.js';

export interface TimeTravelResult {
  now: string;
  fired: number;
  /** Schedules the reconciler repaired on the way. */
  repaired: number;
}

/** Lambda's retries of failed invocations, as time travel drives them. */
export type PendingRetries = Pick<
  AsyncInvoker<unknown>,
  'nextDueAt' | 'runDue' | 'busy' | 'idle' | 'lastGaveUpAt'
>;

/** Covers the lead the scheduler adapter adds to a schedule created for a time already past. */
const REPAIR_LEAD_MS = 5_000;

/**
 * How long after an invocation gave up the reconciler repairs its step: on AWS it runs daily, so
 * a step whose retries all failed is sent again within a day, not at the end of a long jump.
 */
const RECONCILE_AFTER_GIVING_UP_MS = 86_400_000;

/** The largest jump one request may ask for: ten years. */
const MAX_DAYS = 3660;

function earliest(...dates: (Date | undefined)[]): Date | undefined {
  let first: Date | undefined;
  for (const date of dates) if (date && (!first || date < first)) first = date;
  return first;
}

/**
 * Waits until nothing is sending: no firing of the emulator, no retry running. A send's claim
 * holds a lease measured on the virtual clock; moving the clock while it is in flight would
 * expire the lease at once, and the reconciler or a retry could take the step over and send it
 * a second time while the first send was still on its way. Checked again after each wait, with
 * no wait between the last check and the caller's move of the clock.
 */
async function settle(scheduler: SchedulerEmulator, retries?: PendingRetries): Promise<void> {
  while (scheduler.firing() || retries?.busy()) {
    await scheduler.idle();
    await retries?.idle();
  }
}

/**
 * Moves the virtual clock `days` forward and fires every schedule that becomes due on the way,
 * each with the clock set to its own due time, so a handler sees the time it would in AWS. The
 * retries of failed sends (`retries`) run on the way too, a minute or two after their failure
 * as Lambda's would, not at the end of the jump. The clock moves only while nothing is sending.
 * Answers once every fired step is done.
 */
export async function timeTravel(
  clock: VirtualClock,
  scheduler: SchedulerEmulator,
  days: number,
  /** Runs the reconciler; returns how many schedules it repaired. */
  reconcile: () => Promise<number>,
  retries?: PendingRetries,
): Promise<TimeTravelResult> {
  await settle(scheduler, retries);
  const target = new Date(clock.now().getTime() + days * 86_400_000);
  const fireAt = async (at: Date) =>
    (await scheduler.fireDue(at)) + ((await retries?.runDue(at)) ?? 0);
  let reconciledAt = clock.now().getTime();
  let repaired = 0;
  /** When the reconciler is due on the way: a day after a send gave up, as on AWS. */
  const reconcileDue = () => {
    const gaveUpAt = retries?.lastGaveUpAt()?.getTime();
    return gaveUpAt !== undefined && gaveUpAt >= reconciledAt
      ? new Date(gaveUpAt + RECONCILE_AFTER_GIVING_UP_MS)
      : undefined;
  };
  const nextStop = () => earliest(scheduler.nextDueAt(), retries?.nextDueAt(), reconcileDue());
  let fired = await fireAt(clock.now());
  for (let next = nextStop(); next && next <= target; ) {
    await settle(scheduler, retries);
    clock.advanceTo(next);
    const due = reconcileDue();
    const reconciling = due !== undefined && due <= next;
    if (reconciling) {
      reconciledAt = next.getTime();
      repaired += await reconcile();
    }
    const count = await fireAt(next);
    fired += count;
    const after = nextStop();
    // A schedule that is due but does not fire would loop forever: stop and let the timer retry.
    if (!reconciling && count === 0 && after?.getTime() === next.getTime()) break;
    next = after;
  }
  await settle(scheduler, retries);
  clock.advanceTo(target);
  fired += await fireAt(target);
  // As the daily reconciler would on AWS: repair what lost its schedule, then send what is due.
  for (let round = 0; round < 3; round += 1) {
    const count = await reconcile();
    repaired += count;
    if (count === 0) break;
    // Repaired schedules are created a moment ahead of now (never in the past): include them.
    fired += await scheduler.fireDue(new Date(target.getTime() + REPAIR_LEAD_MS));
  }
  return { now: clock.now().toISOString(), fired, repaired };
}

/**
 * One travel at a time: a second request (a double click, a script's retry) waits for the first
 * and then travels from where it ended, rather than moving the clock while the first is sending.
 */
export function oneAtATime(
  travel: (days: number) => Promise<TimeTravelResult>,
): (days: number) => Promise<TimeTravelResult> {
  let last: Promise<unknown> = Promise.resolve();
  return (days) => {
    const run = last.then(() => travel(days));
    last = run.catch(() => undefined);
    return run;
  };
}

/** Whether Host (and Origin, when sent) name this gateway itself on a loopback name. */
function sameHost(request: IncomingMessage, listensOn: string): boolean {
  const port = request.socket.localPort;
  const names = ['127.0.0.1', 'localhost', '[::1]', listensOn.toLowerCase()];
  const own = new Set(names.map((name) => `${name}:${port}`));
  if (!own.has((request.headers.host ?? '').toLowerCase())) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return [...own].some((host) => origin.toLowerCase() === `http://${host}`);
}

/** `POST /__local/time-travel` `{"days": N}` on the gateway listening on `listensOn`. */
export function timeTravelRoute(
  travel: (days: number) => Promise<TimeTravelResult>,
  listensOn: string,
): LocalRoute {
  return async (request, body) => {
    if (request.method !== 'POST') return problem(405, 'Use POST.');
    // A page open in the developer's browser may post here: a simple text/plain request
    // needs no preflight, and a rebound DNS name reaches 127.0.0.1. Only JSON from our own
    // host and origin moves the clock (curl sends no Origin).
    if (!sameHost(request, listensOn))
      return problem(403, 'Time travel answers only its own host.');
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      return problem(415, 'Send the body as application/json.');
    }
    let days: unknown;
    try {
      days = (JSON.parse(body.toString('utf8') || '{}') as { days?: unknown }).days;
    } catch {
      return problem(400, 'The body is not valid JSON.');
    }
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 0 || days > MAX_DAYS) {
      return problem(422, 'Invalid time travel.', [
        { field: 'days', message: 'must be a number of days from 0 to 3660' },
      ]);
    }
    try {
      return json(200, await travel(days));
    } catch {
      // A dependency failed on the way (the store, the emulator): nothing is lost — the
      // clock moved and the reconciler repairs on the next travel or start.
      return problem(503, 'Time travel could not finish; try again.');
    }
  };
}
