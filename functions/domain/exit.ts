/**
 * The exit aggregate: everything Farewell knows about one client leaving, kept as one item so
 * that every state change is a single conditional write.
 */

export const EXIT_STATUSES = ['active', 'paused', 'cancelled', 'completed'] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

export const STEP_KINDS = ['notice', 'gratitude', 'survey', 'survey-reminder', 'check-in'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_STATES = ['scheduled', 'sending', 'sent', 'skipped', 'failed'] as const;
export type StepState = (typeof STEP_STATES)[number];

export type InitiatedBy = 'client' | 'firm';

export interface Client {
  name: string;
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
}

export interface TimelineEntry {
  at: string;
  /** What happened, in a few domain words: `exit.created`, `step.sent`, `step.failed`… */
  event: string;
  stepId?: string;
  detail?: string;
}

/** What the client told us in the exit survey. The client-pages issue fills in the answers. */
export interface SurveyResponse {
  answeredAt: string;
}

export interface Exit {
  id: string;
  externalId?: string;
  source: 'webhook' | 'console';
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
  steps: Record<string, Step>;
  timeline: TimelineEntry[];
  survey?: SurveyResponse;
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
