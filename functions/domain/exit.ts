/**
 * The exit aggregate: everything Farewell knows about one client leaving, kept as one item so
 * that every state change is a single conditional write.
 */

export const EXIT_STATUSES = [
  'active',
  'paused',
  'cancelled',
  'completed',
  // Held for the operator's approval (`FAREWELL_NOTICE_APPROVAL`): planned, nothing scheduled.
  'awaiting-approval',
] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

export const STEP_KINDS = [
  'notice',
  'gratitude',
  'survey',
  'survey-reminder',
  'check-in',
  'date-change',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_STATES = ['scheduled', 'sending', 'sent', 'skipped', 'failed'] as const;
export type StepState = (typeof STEP_STATES)[number];

export type InitiatedBy = 'client' | 'firm';

export interface Client {
  name: string;
  /** How greetings and subjects address the client ("Max"); absent: see `greetingNameOf`. */
  greetingName?: string;
  email: string;
  company?: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timezone: string;
  /** ISO 3166-1 alpha-2 country code, when known. */
  country?: string;
  /** BCP 47 locale used to format dates, e.g. `en-GB`. */
  locale: string;
}

export interface Step {
  /** Stable id inside the exit: `notice`, `gratitude`, `survey`, `survey-reminder`, `check-in-1`… */
  id: string;
  kind: StepKind;
  /** When the step is due, ISO 8601 in UTC. */
  dueAt: string;
  state: StepState;
  /** How many times a sender claimed this step. */
  attempts: number;
  /** Set while `sending`: who holds the claim and until when. */
  lease?: { token: string; expiresAt: string };
  sentAt?: string;
  /** SES message id of the email that went out. */
  messageId?: string;
  /** Why a step was skipped or failed. */
  reason?: string;
  /** A `date-change` step: the effective date it replaced (the email names both). */
  previousEffectiveOn?: string;
}

/** A handover item as the exit keeps it (the rules are in `handover.ts`). */
export interface HandoverItem {
  /** Stable inside the exit (`h1`, `h2`…): the page's buttons and the store's writes name it. */
  id: string;
  title: string;
  /** https only (checked at the edge). */
  url?: string;
  note?: string;
  /** When the client confirmed receipt, UTC ISO; absent until then. */
  confirmedAt?: string;
}

export interface TimelineEntry {
  at: string;
  /** What happened, in a few domain words: `exit.created`, `step.sent`, `step.failed`… */
  event: string;
  stepId?: string;
  detail?: string;
}

/** The survey's first question: why the client left, from a fixed list (labels in `survey.ts`). */
export const LEAVING_REASONS = [
  'work-complete',
  'needs-changed',
  'budget',
  'in-house',
  'other-provider',
  'quality',
  'communication',
  'firm-ended',
  'other',
] as const;
export type LeavingReason = (typeof LEAVING_REASONS)[number];

/** Would the client consider coming back if what fell short were put right? */
export const WIN_BACK_ANSWERS = ['yes', 'maybe', 'no'] as const;
export type WinBack = (typeof WIN_BACK_ANSWERS)[number];

/** Under whose name a testimonial may be published. */
export const TESTIMONIAL_SCOPES = ['name', 'company', 'anonymous'] as const;
export type TestimonialScope = (typeof TESTIMONIAL_SCOPES)[number];

/** The answers of one submission of the survey form. Free text is trimmed; empty means absent. */
export interface SurveyAnswers {
  reason: LeavingReason;
  reasonDetail?: string;
  whatWorked?: string;
  whatDidNot?: string;
  improve?: string;
  /** 0–10 likelihood to recommend. */
  score: number;
  winBack?: WinBack;
  testimonial?: string;
  /** Consent to publish the testimonial, as chosen on the form; absent means "keep it private". */
  publishAs?: TestimonialScope;
}

/** Consent to publish a testimonial: its scope and when it was given or withdrawn. */
export interface TestimonialConsent {
  scope: TestimonialScope;
  givenAt: string;
  /** Set when the client took the consent back; the testimonial is then private again. */
  withdrawnAt?: string;
}

/**
 * What the client told us in the exit survey: the latest answers (a revision overwrites them),
 * and the consent trail of the testimonial.
 */
export interface SurveyResponse {
  answers: SurveyAnswers;
  /** First submission. */
  answeredAt: string;
  /** Latest submission (equal to `answeredAt` for the first). */
  revisedAt: string;
  /** 1 for the first submission, +1 for each revision. */
  revision: number;
  consent?: TestimonialConsent;
}

/** What became of an operator task: still to do, done, or not needed for this exit. */
export const TASK_STATES = ['open', 'done', 'not-needed'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** The dates a planned task is due relative to (see `config/checklist.ts`). */
export const TASK_ANCHORS = ['notice', 'effective', 'survey'] as const;
export type TaskAnchor = (typeof TASK_ANCHORS)[number];

/** When a planned task is due: so many days, or business days, from an anchor date. */
export interface TaskDue {
  from: TaskAnchor;
  /** Calendar days after (or, negative, before) the anchor; absent when `businessDays` is set. */
  days?: number;
  /** Business days of the client's calendar after (or, negative, before) the anchor. */
  businessDays?: number;
}

/**
 * One item of the operator's checklist for this exit (never emailed to the client): planned
 * from the checklist at creation, added by the operator or by a webhook.
 */
export interface Task {
  /** Stable inside the exit: `t1`, `t2`… in the order the tasks were added. */
  id: string;
  title: string;
  hint?: string;
  /** `YYYY-MM-DD` in the client's time zone. */
  dueOn: string;
  /** A planned task's rule: it moves with the effective date. Absent for a task added by hand. */
  due?: TaskDue;
  state: TaskState;
  /** When the task was ticked or marked not needed (UTC ISO); absent while open. */
  closedAt?: string;
  note?: string;
  addedBy: 'checklist' | 'console' | 'webhook';
  addedAt: string;
}

export interface Exit {
  id: string;
  externalId?: string;
  /** How the exit was started: a signed webhook, the console form, or a CSV import (the CLI). */
  source: 'webhook' | 'console' | 'import';
  client: Client;
  initiatedBy: InitiatedBy;
  reason?: string;
  /** The date the relationship ends, `YYYY-MM-DD` in the client's time zone. */
  effectiveOn: string;
  relationshipStartedOn?: string;
  /** What is handed over, each with its id and, once the client confirmed it, when. */
  handover: HandoverItem[];
  highlights: string[];
  status: ExitStatus;
  createdAt: string;
  updatedAt: string;
  /** When the last applied pause or resume event was sent (its envelope time); older ones lose. */
  lastControlAt?: string;
  /** When the last applied `exit.rescheduled` event was sent; older ones lose. */
  lastRescheduleAt?: string;
  steps: Record<string, Step>;
  timeline: TimelineEntry[];
  survey?: SurveyResponse;
  /** The operator's own paragraph, added on approval and placed into the notice (plain text). */
  personalNote?: string;
  /**
   * Set when an operator erased the client's personal data: the item stays as an anonymised
   * record (see `erasure.ts`).
   */
  erasedAt?: string;
  /** The operator's checklist by task id (see `checklist.ts`); absent on exits made before it. */
  tasks?: Record<string, Task>;
  /** Bumped by every write of `tasks`, which is conditional on the one it read. */
  taskRevision?: number;
  /**
   * The due dates of the open tasks, earliest first: what the exits list counts due and overdue
   * tasks from (the status index carries this, not the tasks). Kept in step by every task write.
   */
  openTaskDues?: string[];
}

/** Steps in the order they are due. */
export function orderedSteps(exit: Pick<Exit, 'steps'>): Step[] {
  return Object.values(exit.steps).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/** Steps that still wait for a schedule to fire. */
export function pendingSteps(exit: Pick<Exit, 'steps'>): Step[] {
  return orderedSteps(exit).filter((step) => step.state === 'scheduled');
}

/** The facts the check-in cadence is computed from. */
export function checkInInput(exit: Exit): {
  effectiveOn: string;
  timezone: string;
  country?: string;
} {
  return {
    effectiveOn: exit.effectiveOn,
    timezone: exit.client.timezone,
    ...(exit.client.country ? { country: exit.client.country } : {}),
  };
}
