import { randomUUID } from 'node:crypto';
import {
  buildDigest,
  type DigestSectionBuilder,
  type DigestSettings,
  digestCarryOver,
  digestDayFor,
  digestOperatorKey,
  digestTimeOf,
  nextDigestDay,
} from '../digest.js';
import type { DigestEvent, DigestRenderer, DigestScheduler, DigestStore } from '../digest-ports.js';
import type { Exit } from '../exit.js';
import type { Clock, EventLog, ExitStore, Mailer } from '../ports.js';

/** What notes an exit on the operator's next digest (the survey write, later the checklist). */
export interface DigestNoteDeps {
  digests: DigestStore;
  digestScheduler: DigestScheduler;
  clock: Clock;
  log: EventLog;
  settings: DigestSettings;
  /** The operator the product already alerts (`FAREWELL_OPERATOR_EMAIL`). */
  operatorEmail: string;
}

export interface SendDigestDeps extends DigestNoteDeps {
  store: ExitStore;
  mailer: Mailer;
  renderer: DigestRenderer;
  leaseSeconds: number;
  /** The digest's sections; `DIGEST_SECTIONS` unless a test plugs in its own. */
  sections?: readonly DigestSectionBuilder[];
}

export type SendDigestResult =
  | { outcome: 'sent'; messageId: string; items: number }
  /** Nothing to say that day: no email. */
  | { outcome: 'empty' }
  /** Already sent or being sent by another delivery, or for another operator. */
  | { outcome: 'no-op'; reason: string };

/**
 * Notes an exit on the operator's next digest and makes sure that day's schedule exists:
 * 1. The day is the one whose digest time comes next (`digestDayFor`).
 * 2. Note the exit on that day's item; if that digest was claimed meanwhile, on the next day's.
 * 3. Create that day's schedule (a deterministic name: a second note changes nothing).
 *
 * Why a per-day item rather than a query: the digest then reads one item and the few exits noted
 * on it, never the table, and needs no new index; the cost is one more small write per noted
 * change. Best effort: the change itself is already stored, so a failure here is logged and the
 * digest misses that one entry.
 */
export async function noteForDigest(deps: DigestNoteDeps, exitId: string): Promise<void> {
  const now = deps.clock.now();
  const key = digestOperatorKey(deps.operatorEmail);
  try {
    let day = digestDayFor(now, deps.settings);
    if ((await deps.digests.note(key, day, exitId, now.toISOString())) === 'closed') {
      day = nextDigestDay(day);
      await deps.digests.note(key, day, exitId, now.toISOString());
    }
    await deps.digestScheduler.scheduleDigest(key, day, digestTimeOf(day, deps.settings));
  } catch (error) {
    deps.log.error('digest note failed', {
      exitId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

/**
 * Sends one operator's digest for one day, at most once however often it is delivered:
 * 1. Claim the day in one conditional write (a second delivery finds it claimed or done).
 * 2. Load the exits noted on it and build the sections (`buildDigest`), up to the claim's time;
 *    note what the sections keep (`digestCarryOver`) on the next day.
 * 3. Nothing to say: end the day without an email. Else render, send, and commit `sent`.
 * A failed send releases the claim and throws: retries and the dead-letter queue take over.
 */
export async function sendDigest(
  deps: SendDigestDeps,
  event: DigestEvent,
): Promise<SendDigestResult> {
  const { operator, day } = event.digest;
  if (operator !== digestOperatorKey(deps.operatorEmail)) {
    return { outcome: 'no-op', reason: 'unknown operator' };
  }
  const now = deps.clock.now();
  const token = randomUUID();
  const claim = await deps.digests.claim(operator, day, {
    token,
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.leaseSeconds * 1000).toISOString(),
  });
  if (claim.outcome !== 'claimed') return { outcome: 'no-op', reason: `digest ${claim.outcome}` };

  const exits = (await Promise.all(claim.exitIds.map((id) => deps.store.get(id)))).filter(
    (exit): exit is Exit => exit !== undefined,
  );
  const input = { day, exits, until: claim.claimedAt };
  const sections = buildDigest(input, deps.sections);
  await carryOver(deps, operator, day, digestCarryOver(input, deps.sections));
  if (sections.length === 0) {
    await deps.digests.commit(operator, day, token, { outcome: 'empty', at: now.toISOString() });
    deps.log.info('digest empty', { day });
    return { outcome: 'empty' };
  }
  const email = deps.renderer.renderDigest({ day, sections });
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({
      to: deps.operatorEmail,
      ...email,
      tags: { digest: day },
    }));
  } catch (error) {
    // Lambda retries a failed invocation within the lease: without the release the retry would
    // find the day busy, end quietly, and the day's digest would be lost.
    await deps.digests.release(operator, day, token).catch(() => undefined);
    throw error;
  }
  await deps.digests.commit(operator, day, token, {
    outcome: 'sent',
    messageId,
    at: deps.clock.now().toISOString(),
  });
  const items = sections.reduce((sum, section) => sum + section.items.length, 0);
  deps.log.info('digest sent', { day, items });
  return { outcome: 'sent', messageId, items };
}

/** Notes what the sections keep on the next day, before this day ends (a retry notes again). */
async function carryOver(
  deps: SendDigestDeps,
  operator: string,
  day: string,
  exitIds: string[],
): Promise<void> {
  if (exitIds.length === 0) return;
  const next = nextDigestDay(day);
  const at = deps.clock.now().toISOString();
  for (const exitId of exitIds) await deps.digests.note(operator, next, exitId, at);
  await deps.digestScheduler.scheduleDigest(operator, next, digestTimeOf(next, deps.settings));
}
