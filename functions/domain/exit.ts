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
  handover: string[];
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
