/**
 * The decisions that plan again (see `exit-changes.ts` for the rest): resuming, a new effective
 * date, a break from check-ins, and the next check-in after one was refused. They need the
 * calendar (business days, public holidays) and the sequence rules, so they live apart from the
 * decisions every function makes, which then stay free of the planning code in their bundles.
 */
import { movedTasks, openTaskDues } from './checklist.js';
import type { Exit, Step } from './exit.js';
import { checkInInput, pendingSteps } from './exit.js';
import { type Decision, isStale, refuse, statusAfter, UNCHANGED, write } from './exit-changes.js';
import { admitEffectiveDate } from './exit-request.js';
import { type CheckInSlot, nextCheckIn, nextSendSlot } from './plan.js';
import type { StatusChange } from './ports.js';
import { replanForEffectiveDate, resumePlan } from './replan.js';
import type { SequenceRules } from './sequence-rules.js';

/** Resume a paused exit, its steps due while paused replanned (see `resumePlan`). */
export function resume(
  exit: Exit,
  now: Date,
  rules: SequenceRules,
  actor: string,
  controlAt?: string,
): Decision<StatusChange> {
  if (isStale(exit, controlAt)) return UNCHANGED;
  if (exit.status === 'active') return UNCHANGED;
  if (exit.status !== 'paused') return refuse(`A ${exit.status} exit cannot be resumed`);
  const change = resumePlan(exit, now, rules);
  return write({
    ...change,
    entry: {
      ...change.entry,
      detail: `Resumed from the ${actor}; steps due while paused were replanned.`,
    },
    ...(controlAt ? { controlAt } : {}),
  });
}

/**
 * Move a running exit to a new effective date (`YYYY-MM-DD`), its steps still ahead replanned
 * (see `replanForEffectiveDate`). Only an active or paused exit can be replanned; the same date
 * changes nothing; a date before the client's today is a `ValidationError`, but for the grace a
 * new exit has (`admitEffectiveDate`), which means today. A webhook's change older than the last
 * date change recorded (`sentAt` before `lastRescheduleAt`) changes nothing.
 */
export function changeDate(
  exit: Exit,
  effectiveOn: string,
  now: Date,
  rules: SequenceRules,
  actor: string,
  /** `field`: how the caller names the date in a `ValidationError`; `sentAt`: a webhook's time. */
  options: { field?: string; sentAt?: string } = {},
): Decision<StatusChange> {
  if (exit.status !== 'active' && exit.status !== 'paused') {
    return refuse(`A ${exit.status} exit cannot be replanned`);
  }
  const { field = 'effectiveOn', sentAt } = options;
  const stale =
    sentAt !== undefined && exit.lastRescheduleAt !== undefined && sentAt < exit.lastRescheduleAt;
  if (stale || exit.effectiveOn === effectiveOn) return UNCHANGED;
  // The same rule as a new exit's: a few days past means today, further back is refused.
  const admitted = admitEffectiveDate(
    effectiveOn,
    now,
    exit.client.timezone,
    rules.effectiveDate.pastGraceDays,
    field,
  );
  if (exit.effectiveOn === admitted) return UNCHANGED;
  const change = withTasksMoved(
    exit,
    admitted,
    {
      ...replanForEffectiveDate(exit, admitted, now, rules, actor),
      replannedFrom: exit.effectiveOn,
    },
    rules,
  );
  return write(sentAt ? { ...change, rescheduleAt: sentAt } : change);
}

/**
 * The replan with the checklist's open tasks timed from the effective date (or the survey) moved
 * along in the same write, which then also waits for the tasks' revision it read.
 */
function withTasksMoved(
  exit: Exit,
  effectiveOn: string,
  change: StatusChange,
  rules: SequenceRules,
): StatusChange {
  const moved = movedTasks(exit, effectiveOn, rules);
  if (moved.length === 0) return change;
  const after = { ...exit.tasks, ...Object.fromEntries(moved.map((task) => [task.id, task])) };
  return {
    ...change,
    entry: {
      ...change.entry,
      detail:
        `${change.entry.detail ?? ''} ${moved.length} checklist task(s) moved with it.`.trim(),
    },
    tasks: { revision: exit.taskRevision ?? 0, put: moved, openTaskDues: openTaskDues(after) },
  };
}

/**
 * "Pause for six months" (until `until`): the survey reminder is skipped, and the first check-in
 * due before `until` moves to the first send slot after it (keeping its id, so the cadence
 * carries on from it); any further check-in inside the window is skipped.
 */
export function takeBreak(
  exit: Exit,
  now: Date,
  until: Date,
  rules: SequenceRules,
): Decision<StatusChange> {
  if (exit.erasedAt) return UNCHANGED;
  const at = now.toISOString();
  const pending = pendingSteps(exit);
  const inWindow = pending.filter(
    (step) => step.kind === 'check-in' && Date.parse(step.dueAt) < until.getTime(),
  );
  const moved = inWindow[0];
  const skip = [...pending.filter((step) => step.kind === 'survey-reminder'), ...inWindow.slice(1)];
  if (skip.length === 0 && !moved) return UNCHANGED;
  const dueAt = moved
    ? nextSendSlot(until, exit.client.timezone, exit.client.country, rules)
    : undefined;
  return write({
    from: [exit.status],
    to: statusAfter(
      exit,
      skip.map((step) => step.id),
      moved ? 1 : 0,
    ),
    at,
    entry: {
      at,
      event: 'client.paused-emails',
      detail: dueAt
        ? `Asked for a six-month break; the next check-in moves to ${dueAt}.`
        : 'Asked for a six-month break; no check-in is left to plan.',
    },
    ...(skip.length > 0
      ? {
          skip: {
            stepIds: skip.map((step) => step.id),
            reason: 'client asked for a six-month break',
          },
        }
      : {}),
    ...(moved && dueAt ? { reschedule: { [moved.id]: dueAt } } : {}),
  });
}

/** The first check-in after `after` whose step id the exit does not use yet. */
function freeCheckIn(exit: Exit, after: Date, rules: SequenceRules): CheckInSlot | undefined {
  let slot = nextCheckIn(checkInInput(exit), after, rules);
  while (slot && exit.steps[slot.stepId]) {
    slot = nextCheckIn(checkInInput(exit), new Date(slot.dueAt), rules);
  }
  return slot;
}

/**
 * The client asked to hear from us again: the next check-in from now is planned (a completed
 * exit becomes active again), unless one is planned already or the exit was cancelled.
 */
export function planCheckInAgain(
  exit: Exit,
  now: Date,
  rules: SequenceRules,
): Decision<StatusChange> {
  if (exit.erasedAt || exit.status === 'cancelled') return UNCHANGED;
  if (pendingSteps(exit).some((step) => step.kind === 'check-in')) return UNCHANGED;
  const slot = freeCheckIn(exit, now, rules);
  if (!slot) return UNCHANGED;
  const at = now.toISOString();
  const step: Step = {
    id: slot.stepId,
    kind: 'check-in',
    dueAt: slot.dueAt,
    state: 'scheduled',
    attempts: 0,
  };
  return write({
    from: [exit.status],
    to: exit.status === 'completed' ? 'active' : exit.status,
    at,
    entry: {
      at,
      event: 'client.resubscribed',
      detail: `Asked to hear from us again; the next check-in is planned for ${slot.dueAt}.`,
    },
    add: [step],
  });
}
