import type { SendingBlockedReason } from './errors.js';
import type {
  Client,
  Exit,
  ExitStatus,
  HandoverItem,
  Step,
  SurveyResponse,
  Task,
  TimelineEntry,
} from './exit.js';
import type { Operator } from './operator.js';

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
 * A change of an exit's status, written in one conditional update together with the steps it
 * touches. Every step named must still be pending (`scheduled`: the step machine says which
 * states, see `step-machine.ts`), and the status one of `from`, or nothing is written. Decided
 * by the functions of `exit-changes.ts`.
 */
export interface StatusChange {
  from: readonly ExitStatus[];
  to: ExitStatus;
  at: string;
  entry: TimelineEntry;
  /** Pending steps that will not go out (e.g. the exit was cancelled), with the reason. */
  skip?: { stepIds: string[]; reason: string };
  /** Pending steps moved to a new due time (UTC ISO), e.g. on resume. */
  reschedule?: Record<string, string>;
  /** Pending steps removed, e.g. a missed check-in replaced by a later one. */
  remove?: string[];
  /** New steps (must not exist yet). */
  add?: Step[];
  /** A new effective date (`YYYY-MM-DD`), written with the steps replanned for it. */
  effectiveOn?: string;
  /**
   * The effective date the replan was decided from: the write fails when the exit's date is no
   * longer this one (a concurrent date change won), so a replan never lands on another's plan.
   */
  replannedFrom?: string;
  /**
   * When the control event behind this change was sent (UTC ISO): the write fails when the exit
   * already applied a later one, and records this one as `lastControlAt`.
   */
  controlAt?: string;
  /**
   * When the `exit.rescheduled` event behind this change was sent (UTC ISO): the write fails when
   * the exit already applied a later one, and records this one as `lastRescheduleAt`.
   */
  rescheduleAt?: string;
  /** Checklist tasks the new effective date moves (see `TaskMove`), in the same write. */
  tasks?: TaskMove;
  /** The operator's paragraph for the notice, written with an approval (plain text). */
  personalNote?: string;
}

/**
 * Tasks of the checklist rewritten whole, with the summary the exits list reads. The write fails
 * when the exit's `taskRevision` is no longer `revision` (0: none yet), so two changes decided
 * from one read never both land: the second is decided again from the first one's tasks.
 */
export interface TaskMove {
  revision: number;
  put: Task[];
  /** The open tasks' due dates after the write (`openTaskDues`). */
  openTaskDues: string[];
  /** The exit had no `tasks` yet (made before the checklist): the map is created. */
  first?: boolean;
}

/** A change of the checklist (tick, untick, note, add, not needed) and its timeline entry. */
export interface TaskWrite extends TaskMove {
  entry: TimelineEntry;
}

/** A claimed step given back for a later try: its new due time and, once per period, why. */
export interface StepDeferral {
  /** The next try (UTC ISO): the step's new due time and its schedule's. */
  dueAt: string;
  at: string;
  entry?: TimelineEntry;
}

/** The account could not send (as `SendingBlockedError` says): what the console's banner shows. */
export interface SendingBlock {
  reason: SendingBlockedReason;
  /** Why, in an operator's words (see `sending-blocked.ts`). */
  why: string;
  fix: string;
  /** When the first blocked send of this period was refused (UTC ISO). */
  since: string;
  /** The latest blocked send (UTC ISO). */
  at: string;
}

/**
 * Whether the account can send, as the last sends found it: one small item, written when a send
 * is blocked (each hourly try of a waiting step renews it), cleared when a waiting step goes
 * out, read by the console's frame (see `currentBlock` for when an unrenewed one is over).
 * Ordinary sends never touch it.
 */
export interface SendingStatus {
  /** Records a blocked send; a block already recorded keeps its `since`. */
  blocked(block: Omit<SendingBlock, 'since'>): Promise<void>;
  /** A step that had waited went out at `at`: clears a block recorded no later. One write. */
  sent(at: string): Promise<void>;
  /** The recorded block, if sending is blocked. */
  current(): Promise<SendingBlock | undefined>;
}

/**
 * Removes an exit's personal data in one conditional update. The write fails when the exit
 * changed since it was read (`seen`), or was erased already; every step to skip must still be
 * `scheduled`. Free text the client or operator typed (reason, handover, highlights, the
 * external id, the search text) is removed by the store itself.
 */
export interface Erasure {
  at: string;
  seen: { updatedAt: string; timelineLength: number };
  status: ExitStatus;
  /** The anonymised client: no name, address or company; zone and locale stay for the dates. */
  client: Client;
  /** The whole timeline, details that might quote the client dropped, the erasure appended. */
  timeline: TimelineEntry[];
  /** The survey's choices without its free text or testimonial; absent when never answered. */
  survey?: SurveyResponse;
  /** The checklist without notes or the titles typed for this exit; absent when it has none. */
  tasks?: Record<string, Task>;
  skip: { stepIds: string[]; reason: string };
  /** New `reason` of steps whose recorded reason may quote the client (a failure's message). */
  scrub: Record<string, string>;
}

/**
 * A survey submission, written in one conditional update: the response, its timeline entry, and
 * the pending steps it makes pointless (the survey reminder), which must still be `scheduled`.
 */
export interface SurveyWrite {
  response: SurveyResponse;
  /** The revision this one replaces (0 for the first answer); another write landing first fails it. */
  replaces: number;
  entry: TimelineEntry;
  skip?: { stepIds: string[]; reason: string };
}

/**
 * The client's confirmation of one or more items, written in one conditional update: each item
 * is written back at its place with its confirmation time, only while that place still holds
 * the item as read and no confirmation (so two confirmations at once both land, each on its own
 * item, and the same item confirmed twice at once lands once). The exit must not be erased.
 */
export interface HandoverConfirmation {
  at: string;
  items: { index: number; item: HandoverItem }[];
  entry: TimelineEntry;
}

/** The suppression reason of the client's own unsubscribe: the only one they may undo. */
export const UNSUBSCRIBED = 'unsubscribed';

/** Why and when an address went on the suppression list. */
export interface Suppression {
  /** `unsubscribed` (the client asked), `rejected`, `bounce`, `complaint`… */
  reason: string;
  at: string;
}

export interface ExitPage {
  exits: Exit[];
  /** Opaque; pass it back to read the next page. Absent on the last page. */
  cursor?: string;
}

export interface ExitPageRequest {
  limit?: number;
  cursor?: string;
  /**
   * Only exits whose client name, company or address contains this text, ignoring case. A page
   * may then hold fewer than `limit` exits (even none) and still have a cursor: the search reads
   * a bounded number of index items per page.
   */
  search?: string;
  /**
   * Only exits with an open task due before this date (`YYYY-MM-DD`, compared with the earliest
   * of `openTaskDues`); bounded like a search.
   */
  overdueBefore?: string;
}

/** An exit as the reconciler reads it, with the mark (an ISO time) it was found by. */
export interface ReconcileDueExit {
  exit: Pick<Exit, 'id' | 'status' | 'steps'>;
  mark: string;
}

export interface ReconcileDuePage {
  exits: ReconcileDueExit[];
  /** Where the next page starts; absent after the last. */
  cursor?: string;
}

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
   * the claim, and appends to the timeline in the same write. `next`, when given, is added in that
   * same write (the following check-in), so a sent step and its successor cannot be split by a
   * crash. Returns false if the claim was lost.
   */
  finishStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    outcome: StepOutcome,
    entry: TimelineEntry,
    next?: Step,
  ): Promise<boolean>;
  /**
   * Gives a claim back (`sending → scheduled`) after a transient failure or while the exit is
   * paused, so a later delivery can claim it; `entry`, when given, records why.
   */
  releaseStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    entry?: TimelineEntry,
  ): Promise<void>;
  /**
   * Gives a claim back (`sending → scheduled`, only while `leaseToken` holds it) with the step
   * moved to `deferral.dueAt`, for a send the account or SES's rate refused; `deferral.entry`,
   * when given, records why. One conditional write; false if the claim was lost.
   */
  deferStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    deferral: StepDeferral,
  ): Promise<boolean>;
  /** Applies a status change; returns the exit after it, or undefined when the condition failed. */
  changeStatus(exitId: string, change: StatusChange): Promise<Exit | undefined>;
  /**
   * Records a pause or resume sent at `controlAt` (UTC ISO) that found the exit already in the
   * state it asks for, so that an older opposite control arriving later loses. Writes only while
   * the status is `status` and no later control was recorded; false when that condition failed.
   */
  recordControl(exitId: string, status: ExitStatus, controlAt: string): Promise<boolean>;
  /**
   * Records an `exit.rescheduled` sent at `sentAt` that found the exit already on `effectiveOn`;
   * writes only while that is still its date and no later one was recorded.
   */
  recordReschedule(exitId: string, effectiveOn: string, sentAt: string): Promise<boolean>;
  /**
   * Exits in a status, oldest first, a page at a time. A listed exit comes from the status index,
   * which does not carry the timeline: its `timeline` is empty (`get` has it).
   */
  listByStatus(status: ExitStatus, page?: ExitPageRequest): Promise<ExitPage>;
  /**
   * Active exits the reconciler must look at by `now` (their mark is at or before it), a page
   * at a time: only those, however many exits are stored. Each comes with the mark it was read
   * with, for `markReconciled`.
   */
  listReconcileDue(now: string, cursor?: string): Promise<ReconcileDuePage>;
  /**
   * The reconciler looked at the exit and must look again at `next`. Writes only while the exit
   * is active and still has the mark `seen`; false when a change meanwhile moved it.
   */
  markReconciled(exitId: string, seen: string, next: string): Promise<boolean>;
  /**
   * Ids of every exit started with this external id (a CRM's own id), newest first. With `max`,
   * stops reading after `max + 1` ids, so a caller can tell "more than max" without reading all.
   */
  findByExternalId(externalId: string, max?: number): Promise<string[]>;
  /** The answer first given to the control event with this `webhook-id`, if it was applied. */
  controlAnswer(eventId: string): Promise<unknown>;
  /**
   * Keeps the first answer to a control event until `expiresAt` (UTC ISO); a second record for
   * the same id is kept out and its first answer returned instead.
   */
  rememberControlAnswer(eventId: string, answer: unknown, expiresAt: string): Promise<unknown>;
  /** Puts an address (by its keyed hash) on the suppression list; suppressing twice is harmless. */
  suppress(emailHash: string, reason: string, at: string): Promise<void>;
  /** Whether an address (by its keyed hash) is on the suppression list. */
  isSuppressed(emailHash: string): Promise<boolean>;
  /** The suppression of an address (by its keyed hash), if any. */
  suppression(emailHash: string): Promise<Suppression | undefined>;
  /**
   * Takes an address off the suppression list, only if it is there for `reason` (a client may
   * undo their own unsubscribe, never a bounce or a complaint). Returns whether it was removed.
   */
  unsuppress(emailHash: string, reason: string): Promise<boolean>;
  /**
   * Stores a survey submission (see `SurveyWrite`); returns the exit after it, or undefined when
   * the exit is gone or the condition failed (read again and retry).
   */
  recordSurvey(exitId: string, write: SurveyWrite): Promise<Exit | undefined>;
  /**
   * Writes a change of the checklist (see `TaskWrite`); returns the exit after it, or undefined
   * when the exit is gone, erased, or its tasks changed since it was read (read again and retry).
   */
  writeTasks(exitId: string, write: TaskWrite): Promise<Exit | undefined>;
  /**
   * Stores the client's confirmation of handover items (see `HandoverConfirmation`); returns the
   * exit after it, or undefined when the exit is gone, erased, or an item changed since it was
   * read (read again and decide again).
   */
  confirmHandover(exitId: string, confirmation: HandoverConfirmation): Promise<Exit | undefined>;
  /** Appends an entry to an exit's timeline; false when there is no such exit. */
  addToTimeline(exitId: string, entry: TimelineEntry): Promise<boolean>;
  /**
   * Anonymises an exit (see `Erasure`); returns the exit after it, or undefined when the exit is
   * gone, was erased already or changed since it was read (read again and retry).
   */
  erase(exitId: string, erasure: Erasure): Promise<Exit | undefined>;
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

export type ScheduleResult = 'created' | 'updated' | 'unchanged';

/** One pending step's schedule: fires the send-step handler with `{ exitId, stepId }`. */
export interface StepScheduler {
  /**
   * Creates the schedule for a step at `at` (UTC). Idempotent: an existing schedule with the same
   * deterministic name and due time is left as it is (`unchanged`); one for another due time, or
   * stuck in the past, is replaced (`updated`).
   */
  schedule(exitId: string, stepId: string, at: Date): Promise<ScheduleResult>;
  /** Whether a step's schedule exists. */
  exists(exitId: string, stepId: string): Promise<boolean>;
  /**
   * Every step that has a schedule, as `exitId/stepId` keys. Reads every schedule: the
   * reconciler checks only the steps it must, by name (`exists`), instead.
   */
  listScheduled(): Promise<Set<string>>;
  /** Deletes a step's schedule; a schedule that is already gone counts as success. */
  cancel(exitId: string, stepId: string): Promise<void>;
}

/** The payload every step schedule delivers to the send-step handler. */
export interface StepEvent {
  exitId: string;
  stepId: string;
  /**
   * The due time the schedule was created for. A schedule left over from before a reschedule
   * carries an old one and is ignored, so a stale schedule can never send at the wrong time.
   */
  dueAt?: string;
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

/** The operator's email about a survey submission that needs attention. */
export interface OperatorAlertRenderer {
  /** `reasons`: why the operator hears about it, in words, e.g. "a score of 4 out of 10". */
  renderOperatorAlert(exit: Exit, response: SurveyResponse, reasons: string[]): RenderedEmail;
}

/** What the domain logs: ids and outcomes, never an address, a token or a secret. */
export interface EventLog {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
  error(message: string, fields?: Record<string, string | number | boolean>): void;
}

/**
 * When repeated failed sign-ins lock an address: `maxFailures` attempts without a success within
 * `windowSeconds` lock it for `lockoutSeconds` after the last one.
 */
export interface ThrottlePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Persistence of operators (one item per operator, keyed by the normalized email) and of the
 * sign-in attempt counters. Every change is one conditional write.
 */
export interface OperatorStore {
  /** Stores a new operator; `exists` (and changes nothing) when that email is taken. */
  createOperator(operator: Operator): Promise<'created' | 'exists'>;
  /** The operator with that email (normalized here too), read consistently. */
  getOperator(email: string): Promise<Operator | undefined>;
  /**
   * Replaces the password and bumps `sessionVersion`, ending every session, in one write.
   * False when there is no such operator.
   */
  setPassword(email: string, passwordHash: string, at: string): Promise<boolean>;
  /**
   * Replaces a hash made with older parameters by one of the same password, only while the old
   * hash is still the stored one; sessions stay. False when the hash changed meanwhile.
   */
  upgradeHash(email: string, oldHash: string, newHash: string, at: string): Promise<boolean>;
  /** Bumps `sessionVersion`, ending every session issued before. False when there is no operator. */
  endSessions(email: string, at: string): Promise<boolean>;
  /**
   * Counts one sign-in attempt under `key` (an opaque, keyed hash), unless the key is locked:
   * one atomic conditional update, so parallel guesses cannot slip past the limit. Counters
   * whose window and lockout have passed count as empty (DynamoDB's TTL deletes them later).
   */
  countSignInAttempt(key: string, now: Date, policy: ThrottlePolicy): Promise<AttemptVerdict>;
  /** Forgets the attempts under `key` (after a successful sign-in, or an administrator's unlock). */
  clearSignInAttempts(key: string): Promise<void>;
}
