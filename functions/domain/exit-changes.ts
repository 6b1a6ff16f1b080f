/**
 * What may happen to an exit. Each function decides from the exit as read (and the time, the
 * inputs): the change to write in one conditional update (see `StatusChange`, `SurveyWrite`,
 * `Erasure` in `ports.ts`), `unchanged` when the exit already is as asked, or a refusal when its
 * state forbids the action. Pure: the use cases load, decide, write (`writeExitChange`), then
 * look after schedules and mail. The store checks every step the change touches against the
 * step machine, so a change decided from a stale read fails and is decided again. The decisions
 * that plan again (resume, a new date, a break) are in `exit-replans.ts`.
 */
import { erasureOf } from './erasure.js';
import type { Exit, Step, StepKind, SurveyAnswers, TimelineEntry } from './exit.js';
import { orderedSteps, pendingSteps } from './exit.js';
import type { Erasure, StatusChange, StepDeferral, SurveyWrite } from './ports.js';
import { BLOCKED_RETRY_MS } from './sending-blocked.js';
import { MAX_SURVEY_REVISIONS, reviseResponse, sameAnswers, surveySummary } from './survey.js';

/** A decided change: write it, nothing to write, or the exit's state forbids the action. */
export type Decision<C, R extends string = string> =
  | { outcome: 'write'; change: C }
  | { outcome: 'unchanged' }
  | { outcome: 'refused'; reason: R };

/** Nothing to write: the exit already is as asked. */
export const UNCHANGED = { outcome: 'unchanged' } as const;

/** The change to write. */
export function write<C>(change: C): { outcome: 'write'; change: C } {
  return { outcome: 'write', change };
}

/** The exit's state forbids the action; `reason` says why. */
export function refuse<R extends string>(reason: R): { outcome: 'refused'; reason: R } {
  return { outcome: 'refused', reason };
}

/** Whether a control event sent at `controlAt` is older than the last one the exit applied. */
export function isStale(exit: Exit, controlAt: string | undefined): boolean {
  return (
    controlAt !== undefined && exit.lastControlAt !== undefined && controlAt < exit.lastControlAt
  );
}

/**
 * Cancel (the client stayed, or the exit was started by mistake): every pending step is
 * skipped. A cancelled or completed exit stays as it is.
 */
export function cancel(exit: Exit, at: string, actor: string): Decision<StatusChange> {
  if (exit.status === 'cancelled' || exit.status === 'completed') return UNCHANGED;
  return write({
    from: [exit.status],
    to: 'cancelled',
    at,
    entry: { at, event: 'exit.cancelled', detail: `Cancelled from the ${actor}.` },
    skip: { stepIds: pendingSteps(exit).map((s) => s.id), reason: 'exit cancelled' },
  });
}

/** Pause an active exit; its pending steps keep their plan. Only an active exit can be paused. */
export function pause(
  exit: Exit,
  at: string,
  actor: string,
  controlAt?: string,
): Decision<StatusChange> {
  if (exit.status === 'paused' || isStale(exit, controlAt)) return UNCHANGED;
  if (exit.status !== 'active') return refuse(`A ${exit.status} exit cannot be paused`);
  return write({
    from: ['active'],
    to: 'paused',
    at,
    entry: { at, event: 'exit.paused', detail: `Paused from the ${actor}.` },
    ...(controlAt ? { controlAt } : {}),
  });
}

/** Whether nothing is left to send: no step other than `except` is scheduled or being sent. */
export function nothingLeftToSend(exit: Pick<Exit, 'steps'>, except?: string): boolean {
  return !Object.values(exit.steps).some(
    (s) => s.id !== except && (s.state === 'scheduled' || s.state === 'sending'),
  );
}

/** Mark an active exit completed; `detail` says why there is nothing left to send. */
export function complete(at: string, detail: string): StatusChange {
  return { from: ['active'], to: 'completed', at, entry: { at, event: 'exit.completed', detail } };
}

/**
 * "Send the next step now": move the named step to `now` (whole seconds, as every planned due
 * time). Unchanged when it is no longer the next pending step (a double submit, it went out
 * meanwhile); `dueAt` then is absent. A step already due needs no write, only its schedule.
 */
export function sendNow(
  exit: Exit,
  stepId: string,
  now: Date,
  actor: string,
): Decision<StatusChange> & { dueAt?: string } {
  if (exit.status !== 'active') {
    return refuse(`A ${exit.status} exit sends nothing; resume it first`);
  }
  const next = orderedSteps(exit).find((step) => step.state === 'scheduled');
  if (next?.id !== stepId) return UNCHANGED;
  const at = now.toISOString();
  const dueAt = new Date(Math.floor(now.getTime() / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
  // Already due: its schedule only needs to exist; nothing to write.
  if (Date.parse(next.dueAt) <= Date.parse(dueAt)) return { ...UNCHANGED, dueAt: next.dueAt };
  return {
    ...write<StatusChange>({
      from: ['active'],
      to: 'active',
      at,
      reschedule: { [stepId]: dueAt },
      entry: {
        at,
        event: 'step.rescheduled',
        stepId,
        detail: `Moved from ${next.dueAt} to now from the ${actor} (send now).`,
      },
    }),
    dueAt,
  };
}

/** Why a survey reminder is skipped once the survey is answered. */
export const REMINDER_SKIPPED = 'survey already answered';

/**
 * Record a survey submission: the response (a revision replaces the answers), its timeline entry,
 * and the survey reminder skipped while it is still scheduled. The same answers again change
 * nothing; an erased exit, or one revised too often, refuses.
 */
export function recordSurvey(
  exit: Exit,
  answers: SurveyAnswers,
  at: string,
): Decision<SurveyWrite, 'erased' | 'too-many-revisions'> {
  if (exit.erasedAt) return refuse('erased');
  const previous = exit.survey;
  if (previous && sameAnswers(previous.answers, answers)) return UNCHANGED;
  if ((previous?.revision ?? 0) >= MAX_SURVEY_REVISIONS) return refuse('too-many-revisions');
  const response = reviseResponse(previous, answers, at);
  const reminders = Object.values(exit.steps)
    .filter((step) => step.kind === 'survey-reminder' && step.state === 'scheduled')
    .map((step) => step.id);
  const summary = surveySummary(previous, response);
  return write({
    response,
    replaces: previous?.revision ?? 0,
    entry: {
      at,
      event: previous ? 'survey.revised' : 'survey.answered',
      detail: reminders.length > 0 ? `${summary} The survey reminder will not be sent.` : summary,
    },
    ...(reminders.length > 0 ? { skip: { stepIds: reminders, reason: REMINDER_SKIPPED } } : {}),
  });
}

/** The same event delivered twice (EventBridge delivers at least once) is written once. */
function alreadyRecorded(exit: Exit, entry: TimelineEntry): boolean {
  return exit.timeline.some(
    (e) =>
      e.event === entry.event &&
      e.stepId === entry.stepId &&
      e.detail !== undefined &&
      entry.detail !== undefined &&
      e.detail.startsWith(entry.detail),
  );
}

/**
 * Record what SES reported about an email. With a `stop` reason (a hard bounce, a complaint) a
 * running exit is cancelled and its pending steps skipped for that reason (the change then has
 * `skip`); otherwise the entry is appended with the status as it is. An entry already recorded
 * changes nothing.
 */
export function noteEmailEvent(
  exit: Exit,
  entry: TimelineEntry,
  at: string,
  stop?: string,
): Decision<StatusChange> {
  if (alreadyRecorded(exit, entry)) return UNCHANGED;
  if (stop !== undefined && (exit.status === 'active' || exit.status === 'paused')) {
    return write({
      from: [exit.status],
      to: 'cancelled',
      at,
      entry: { ...entry, detail: `${entry.detail}; the sequence stopped (${stop}).` },
      skip: { stepIds: pendingSteps(exit).map((s) => s.id), reason: stop },
    });
  }
  // Same status in and out: appends the entry in one conditional write, nothing else.
  return write({ from: [exit.status], to: exit.status, at, entry });
}

/** Erase the client's personal data (see `erasure.ts`); an erased exit stays as it is. */
export function erase(exit: Exit, at: string, actor: string): Decision<Erasure> {
  if (exit.erasedAt) return UNCHANGED;
  return write(erasureOf(exit, at, actor));
}

/** Emails a client may refuse; the notice and the thank-you are part of ending the engagement. */
export const REFUSABLE: ReadonlySet<StepKind> = new Set(['survey', 'survey-reminder', 'check-in']);

/** An exit with nothing left to send is completed; a paused or cancelled one keeps its status. */
export function statusAfter(exit: Exit, skipped: readonly string[], added: number): Exit['status'] {
  if (exit.status !== 'active' || added > 0) return exit.status;
  const open = Object.values(exit.steps).some(
    (step) =>
      !skipped.includes(step.id) && (step.state === 'scheduled' || step.state === 'sending'),
  );
  return open ? 'active' : 'completed';
}

/**
 * Skip pending steps (`reason` says why, `entry` records it); the exit completes when that
 * leaves nothing to send. None to skip, or an erased exit: unchanged.
 */
export function skipSteps(
  exit: Exit,
  stepIds: readonly string[],
  entry: TimelineEntry,
  reason: string,
): Decision<StatusChange> {
  if (exit.erasedAt || stepIds.length === 0) return UNCHANGED;
  return write({
    from: [exit.status],
    to: statusAfter(exit, stepIds, 0),
    at: entry.at,
    entry,
    skip: { stepIds: [...stepIds], reason },
  });
}

/** The client unsubscribed (`how`, in words): every pending email they may refuse is skipped. */
export function refuseEmails(exit: Exit, at: string, how: string): Decision<StatusChange> {
  const stop = pendingSteps(exit).filter((step) => REFUSABLE.has(step.kind));
  return skipSteps(
    exit,
    stop.map((step) => step.id),
    {
      at,
      event: 'client.unsubscribed',
      detail: `Unsubscribed ${how}; ${stop.length} planned email(s) will not be sent.`,
    },
    'client unsubscribed',
  );
}

/** The timeline event of a step waiting because the account cannot send. */
export const STEP_WAITING = 'step.waiting';

/** Whole seconds, as every planned due time. */
function wholeSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Whether the step waited because the account could not send (its timeline says so). */
export function waitedForAccount(exit: Pick<Exit, 'timeline'>, stepId: string): boolean {
  return exit.timeline.some((entry) => entry.event === STEP_WAITING && entry.stepId === stepId);
}

/**
 * A claimed step the account could not send (the sandbox, an unverified identity, a quota…):
 * it is given back and tried again in `BLOCKED_RETRY_MS`, so sending resumes by itself once the
 * account can send. The timeline says why once per blocked period: not again while its last
 * entry already is this step waiting for the same reason.
 */
export function deferBlockedStep(
  exit: Pick<Exit, 'timeline'>,
  step: Pick<Step, 'id'>,
  blocked: { why: string; fix: string },
  now: Date,
): StepDeferral {
  const at = now.toISOString();
  const dueAt = wholeSeconds(now.getTime() + BLOCKED_RETRY_MS);
  const because = `Sending is blocked: ${blocked.why}.`;
  const last = exit.timeline.at(-1);
  const noted =
    last?.event === STEP_WAITING &&
    last.stepId === step.id &&
    last.detail?.startsWith(because) === true;
  if (noted) return { dueAt, at };
  return {
    dueAt,
    at,
    entry: {
      at,
      event: STEP_WAITING,
      stepId: step.id,
      detail: `${because} Fix: ${blocked.fix}. The email waits and is tried again every hour until SES accepts it.`,
    },
  };
}

/** The longest wait after SES throttled a send. */
const THROTTLED_MAX_WAIT_MS = 15 * 60_000;

/**
 * A claimed step SES throttled even after the mailer's own backoff: it is tried again after a
 * wait that doubles with each attempt (1, 2, 4… minutes, at most 15), spread by `jitter` (0 to
 * 1, half to all of the wait) so a burst does not come back at once. No timeline entry: it is
 * traffic, not news.
 */
export function deferThrottledStep(
  step: Pick<Step, 'attempts'>,
  now: Date,
  jitter: number,
): StepDeferral {
  const wait = Math.min(60_000 * 2 ** Math.max(0, step.attempts - 1), THROTTLED_MAX_WAIT_MS);
  const spread = wait / 2 + (wait / 2) * Math.min(Math.max(jitter, 0), 1);
  return { dueAt: wholeSeconds(now.getTime() + spread), at: now.toISOString() };
}
