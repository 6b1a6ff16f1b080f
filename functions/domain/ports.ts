import type { Exit, Step, TimelineEntry } from './exit.js';

/** The time source. Production uses the system clock; local mode a virtual clock that can travel. */
export interface Clock {
  now(): Date;
}

export type ClaimResult =
  | { claimed: true; exit: Exit; step: Step }
  | {
      claimed: false;
      /** Why nothing was claimed: the exit or step does not exist, or the step is not claimable. */
      reason: 'missing' | 'not-claimable';
      exit?: Exit;
    };

export type StepOutcome =
  | { state: 'sent'; at: string; messageId: string }
  | { state: 'failed'; at: string; reason: string }
  | { state: 'skipped'; at: string; reason: string };

/**
 * Persistence of exits. One item per exit; every change is one conditional UpdateItem, so the
 * store needs no transactions.
 */
export interface ExitStore {
  /** Stores a new exit. Returns `exists` (and changes nothing) when an exit with that id exists. */
  create(exit: Exit): Promise<'created' | 'exists'>;
  get(exitId: string): Promise<Exit | undefined>;
  /**
   * Claims a step for sending: `scheduled → sending`, or re-claims a `sending` step whose lease
   * expired (the previous sender died). Only one caller can win a claim.
   */
  claimStep(
    exitId: string,
    stepId: string,
    lease: { token: string; now: string; expiresAt: string },
  ): Promise<ClaimResult>;
  /**
   * Ends a claimed step (`sending → sent | failed | skipped`), only while `leaseToken` still holds
   * the claim, and appends to the timeline in the same write. Returns false if the claim was lost.
   */
  finishStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    outcome: StepOutcome,
    entry: TimelineEntry,
  ): Promise<boolean>;
  /** Gives a claim back (`sending → scheduled`) after a transient failure, so a retry can claim it. */
  releaseStep(exitId: string, stepId: string, leaseToken: string): Promise<void>;
  /** Whether an address (by its keyed hash) is on the suppression list. */
  isSuppressed(emailHash: string): Promise<boolean>;
  /** Cheap round trip used by `GET /healthz`. */
  ping(): Promise<void>;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. `List-Unsubscribe`. Values must not contain CR or LF. */
  headers?: Record<string, string>;
  /** Tags for SES events, e.g. exit and step ids. */
  tags?: Record<string, string>;
}

/** Sends email. Throws `PermanentSendError` for messages that can never go, anything else to retry. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** One pending step's schedule: fires the send-step handler with `{ exitId, stepId }`. */
export interface StepScheduler {
  /**
   * Creates the schedule for a step at `at` (UTC). Idempotent: an existing schedule with the same
   * deterministic name counts as success.
   */
  schedule(exitId: string, stepId: string, at: Date): Promise<void>;
  /** Deletes a step's schedule; a schedule that is already gone counts as success. */
  cancel(exitId: string, stepId: string): Promise<void>;
}

/** The payload every step schedule delivers to the send-step handler. */
export interface StepEvent {
  exitId: string;
  stepId: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

/** Turns a step of an exit into the email the client receives. */
export interface EmailRenderer {
  render(exit: Exit, step: Step): RenderedEmail;
}

/** What the domain logs: ids and outcomes, never an address, a token or a secret. */
export interface EventLog {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
  error(message: string, fields?: Record<string, string | number | boolean>): void;
}
