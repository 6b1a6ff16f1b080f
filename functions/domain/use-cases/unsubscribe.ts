import { DateTime } from 'luxon';
import { type Exit, pendingSteps } from '../exit.js';
import { REFUSABLE, refuseEmails } from '../exit-changes.js';
import { planCheckInAgain, takeBreak } from '../exit-replans.js';
import { deleteSchedules } from '../exit-writes.js';
import { emailHash } from '../ids.js';
import { type EventLog, type StepScheduler, type Suppression, UNSUBSCRIBED } from '../ports.js';
import type { SequenceRules } from '../sequence-rules.js';
import { type ClientLinkDeps, type LinkProblem, openLink, writeLinkChange } from './client-link.js';

export { REFUSABLE };

export interface PreferencesDeps extends ClientLinkDeps {
  scheduler: StepScheduler;
  log: EventLog;
  rules: SequenceRules;
  suppressionKey: string;
}

/** What the unsubscribe page shows about a client's emails. */
export interface Preferences {
  exit: Exit;
  suppression?: Suppression;
  /** The next check-in still planned, UTC ISO. */
  nextCheckInAt?: string;
}

export type PreferencesResult = ({ ok: true } & Preferences) | { ok: false; problem: LinkProblem };

/** Suppressions the client made themselves, and so may undo (kept with the ports). */
export { UNSUBSCRIBED };

/** How long "pause for six months" pauses. */
export const BREAK_MONTHS = 6;

function preferences(exit: Exit, suppression: Suppression | undefined): Preferences {
  const next = pendingSteps(exit).find((step) => step.kind === 'check-in');
  return {
    exit,
    ...(suppression ? { suppression } : {}),
    ...(next ? { nextCheckInAt: next.dueAt } : {}),
  };
}

async function open(
  deps: PreferencesDeps,
  token: string,
): Promise<{ ok: false; problem: LinkProblem } | { ok: true; exit: Exit; hash: string }> {
  const link = await openLink(deps, token, 'unsubscribe');
  if (!link.ok) return link;
  return {
    ok: true,
    exit: link.exit,
    hash: emailHash(deps.suppressionKey, link.exit.client.email),
  };
}

/**
 * The unsubscribe page (GET), which reads only and never changes anything:
 * 1. Open the link (it loads the exit).
 * 2. Read the address's suppression, and answer what the page shows.
 */
export async function openPreferences(
  deps: PreferencesDeps,
  token: string,
): Promise<PreferencesResult> {
  const link = await open(deps, token);
  if (!link.ok) return link;
  return { ok: true, ...preferences(link.exit, await deps.store.suppression(link.hash)) };
}

/**
 * Stops every email a client may refuse:
 * 1. Open the link (it loads the exit).
 * 2. Put the address on the suppression list (keyed hash, so other exits of the same address stop
 *    too, at send time); an address suppressed for another reason (a bounce, a complaint) keeps
 *    that reason.
 * 3. Decide (`refuseEmails`: the pending survey, reminder and check-ins are skipped) and write
 *    it in one conditional write, deciding again when a concurrent write got there first.
 * 4. Delete the skipped steps' schedules, or record the unsubscribe when nothing was planned.
 *
 * Idempotent: a second call changes nothing.
 */
export async function unsubscribe(
  deps: PreferencesDeps,
  token: string,
  via: 'one-click' | 'page',
): Promise<PreferencesResult> {
  const link = await open(deps, token);
  if (!link.ok) return link;
  const at = deps.clock.now().toISOString();
  let suppression = await deps.store.suppression(link.hash);
  const newlySuppressed = !suppression;
  if (!suppression) {
    await deps.store.suppress(link.hash, UNSUBSCRIBED, at);
    suppression = { reason: UNSUBSCRIBED, at };
  }
  const how = via === 'one-click' ? 'with one click from an email' : 'from the unsubscribe page';
  const { exit, changed, before } = await writeLinkChange(deps.store, link.exit, (current) =>
    refuseEmails(current, at, how),
  );
  if (changed) {
    const skipped = pendingSteps(before).filter((step) => REFUSABLE.has(step.kind));
    const stepIds = skipped.map((step) => step.id);
    await deleteSchedules(deps, exit.id, stepIds, 'a client action');
  } else if (newlySuppressed) {
    await deps.store.addToTimeline(exit.id, {
      at,
      event: 'client.unsubscribed',
      detail: `Unsubscribed ${how}; nothing was planned.`,
    });
  }
  deps.log.info('client unsubscribed', { exitId: exit.id, via });
  return { ok: true, ...preferences(exit, suppression) };
}

/**
 * "Pause for six months":
 * 1. Open the link (it loads the exit).
 * 2. Decide (`takeBreak`): the survey reminder is skipped, and the first check-in due in the next
 *    six months moves to the first send slot once the six months are over (keeping its id, so
 *    the cadence carries on from it); any further check-in inside the window is skipped.
 * 3. Write it in one conditional write, deciding again when a concurrent write got there first.
 * 4. Delete the skipped steps' schedules and schedule the moved check-in.
 */
export async function pauseEmails(
  deps: PreferencesDeps,
  token: string,
): Promise<PreferencesResult & { changed?: boolean }> {
  const link = await open(deps, token);
  if (!link.ok) return link;
  const now = deps.clock.now();
  const until = DateTime.fromJSDate(now).plus({ months: BREAK_MONTHS }).toJSDate();
  const { exit, changed, before } = await writeLinkChange(deps.store, link.exit, (current) =>
    takeBreak(current, now, until, deps.rules),
  );
  if (changed) {
    const removed = Object.keys(before.steps).filter(
      (id) => before.steps[id]?.state === 'scheduled' && exit.steps[id]?.state === 'skipped',
    );
    await deleteSchedules(deps, exit.id, removed, 'a client action');
    await scheduleNew(deps, before, exit);
  }
  return { ok: true, changed, ...preferences(exit, await deps.store.suppression(link.hash)) };
}

/**
 * The way back in:
 * 1. Open the link (it loads the exit).
 * 2. Take the address off the suppression list (only a suppression the client made; a bounce or
 *    complaint stays, and then nothing else changes).
 * 3. Decide (`planCheckInAgain`: the next check-in from now, when none is planned and the exit
 *    was not cancelled) and write it, deciding again when a concurrent write got there first.
 * 4. Schedule the new check-in, or record the request when nothing new was planned.
 */
export async function resubscribe(
  deps: PreferencesDeps,
  token: string,
): Promise<PreferencesResult & { changed?: boolean }> {
  const link = await open(deps, token);
  if (!link.ok) return link;
  const removed = await deps.store.unsuppress(link.hash, UNSUBSCRIBED);
  if (!removed) {
    return {
      ok: true,
      changed: false,
      ...preferences(link.exit, await deps.store.suppression(link.hash)),
    };
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  const { exit, changed, before } = await writeLinkChange(deps.store, link.exit, (current) =>
    planCheckInAgain(current, now, deps.rules),
  );
  if (changed) {
    await scheduleNew(deps, before, exit);
  } else {
    await deps.store.addToTimeline(exit.id, {
      at,
      event: 'client.resubscribed',
      detail: 'Asked to hear from us again; nothing new was planned.',
    });
  }
  deps.log.info('client resubscribed', { exitId: exit.id });
  return { ok: true, changed: true, ...preferences(exit, undefined) };
}

/** Schedules the steps a write added; a paused exit gets its schedules when it resumes. */
async function scheduleNew(deps: PreferencesDeps, before: Exit, after: Exit): Promise<void> {
  if (after.status !== 'active') return;
  for (const step of pendingSteps(after)) {
    // New steps, and steps that moved (their old schedule is replaced by the new due time).
    if (before.steps[step.id]?.dueAt === step.dueAt) continue;
    await deps.scheduler.schedule(after.id, step.id, new Date(step.dueAt));
  }
}
