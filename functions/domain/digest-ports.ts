/**
 * The digest's ports, beside the others in `ports.ts` but in their own file: the digest is one
 * feature that later sections plug into, and its ports change with it.
 */
import type { DigestSection } from './digest.js';
import type { RenderedEmail, ScheduleResult } from './ports.js';

/** What the day's digest item holds once claimed: the exits noted for it, and the claim. */
export type DigestClaim =
  | { outcome: 'claimed'; exitIds: string[]; claimedAt: string }
  /** That day's digest was already sent (or found empty): nothing to do. */
  | { outcome: 'done' }
  /** Another delivery holds the claim and its lease has not expired. */
  | { outcome: 'busy' };

/**
 * One item per operator and day, `digest#<operator>#<YYYY-MM-DD>`. Writes that give a day
 * something to say note their exit on it (a set, so a retried note is harmless); the digest
 * claims the day in one conditional write, and from then on notes go to the next day. So "since
 * the last digest" is exactly what was noted on the day's item before its claim.
 */
export interface DigestStore {
  /**
   * Adds an exit to a day's digest, unless that day's digest is already claimed (`closed`: note
   * it on the next day instead).
   */
  note(operatorKey: string, day: string, exitId: string, at: string): Promise<'noted' | 'closed'>;
  /** Claims the day (creating its item if nothing was noted), with a lease like a step's claim. */
  claim(
    operatorKey: string,
    day: string,
    lease: { token: string; now: string; expiresAt: string },
  ): Promise<DigestClaim>;
  /** Gives the claim up (a failed send), so the retry of the delivery can claim the day again. */
  release(operatorKey: string, day: string, token: string): Promise<void>;
  /** Ends the day while `token` still holds the claim: sent (with SES's id) or nothing to say. */
  commit(
    operatorKey: string,
    day: string,
    token: string,
    result: { outcome: 'sent'; messageId: string; at: string } | { outcome: 'empty'; at: string },
  ): Promise<'committed' | 'lost'>;
}

/** The payload a digest schedule delivers (to the send-step function, beside step events). */
export interface DigestEvent {
  digest: { operator: string; day: string };
}

/** One one-time schedule per operator and day, with a deterministic name. */
export interface DigestScheduler {
  /** Creates the day's schedule at `at`; an existing one for that day is left as it is. */
  scheduleDigest(operatorKey: string, day: string, at: Date): Promise<ScheduleResult>;
}

export interface DigestView {
  /** The operator's day the digest is for (`YYYY-MM-DD`). */
  day: string;
  sections: DigestSection[];
}

export interface DigestRenderer {
  renderDigest(view: DigestView): RenderedEmail;
}
