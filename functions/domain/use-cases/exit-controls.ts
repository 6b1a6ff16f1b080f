import { DateTime } from 'luxon';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Exit, ExitStatus, Step } from '../exit.js';
import { checkInInput, pendingSteps } from '../exit.js';
import { nextCheckIn, nextSendSlot } from '../plan.js';
import type { Clock, EventLog, ExitStore, StatusChange, StepScheduler } from '../ports.js';
import type { SequenceRules } from '../sequence-rules.js';

export interface ExitControlDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
  rules: SequenceRules;
}

export type ControlAction = 'cancel' | 'pause' | 'resume';

export interface ControlResult {
  exitId: string;
  status: ExitStatus;
  /** False when the exit already was in the wanted state (the call is idempotent). */
  changed: boolean;
}

/** Whether a control event sent at `controlAt` is older than the last one the exit applied. */
function isStale(exit: Exit, controlAt: string | undefined): boolean {
  return (
    controlAt !== undefined && exit.lastControlAt !== undefined && controlAt < exit.lastControlAt
  );
}

/** Who asked, for the timeline: `webhook`, `console` or `cli`. */
export type Actor = 'webhook' | 'console' | 'cli';

const ATTEMPTS = 5;

/**
 * Writes a status change computed from a fresh read, retrying when a concurrent write (a step
 * being sent, another operator) changed the exit in between. `plan` answers a `ControlResult`
 * instead of a change when there is nothing to write; the exit as read is then `unchanged`.
 */
export async function applyChange(
  deps: ExitControlDeps,
  exitId: string,
  plan: (exit: Exit) => StatusChange | ControlResult,
): Promise<{ result: ControlResult; before?: Exit; after?: Exit; unchanged?: Exit }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const exit = await deps.store.get(exitId);
    if (!exit) throw new NotFoundError(`No exit ${exitId}`);
    const change = plan(exit);
    if ('exitId' in change) return { result: change, unchanged: exit };
    const after = await deps.store.changeStatus(exitId, change);
    if (after)
      return { result: { exitId, status: after.status, changed: true }, before: exit, after };
  }
  throw new ConflictError(`Exit ${exitId} kept changing; try again`);
}

/**
 * `applyChange` for a pause or resume sent at `controlAt`. One that finds the exit already as it
 * asks (`wanted`) changes nothing but is still recorded as the latest control, so an older
 * opposite one arriving later loses; when a concurrent change beats that record, the control
 * runs again on a fresh read.
 */
async function applyControl(
  deps: ExitControlDeps,
  exitId: string,
  { wanted, controlAt }: { wanted: ExitStatus; controlAt: string | undefined },
  plan: (exit: Exit) => StatusChange | ControlResult,
): ReturnType<typeof applyChange> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const outcome = await applyChange(deps, exitId, plan);
    const seen = outcome.unchanged;
    const newer =
      controlAt !== undefined &&
      seen?.status === wanted &&
      (seen.lastControlAt === undefined || seen.lastControlAt < controlAt);
    if (!newer || (await deps.store.recordControl(exitId, wanted, controlAt))) return outcome;
  }
  throw new ConflictError(`Exit ${exitId} kept changing; try again`);
}

/** Deletes schedules; a leftover only finds a step it may no longer send, so failures are logged. */
export async function deleteSchedules(
  deps: Pick<ExitControlDeps, 'scheduler' | 'log'>,
  exitId: string,
  stepIds: string[],
) {
  const results = await Promise.allSettled(stepIds.map((id) => deps.scheduler.cancel(exitId, id)));
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) deps.log.warn('schedules left after a status change', { exitId, failed });
}

/**
 * Cancels an exit (the client stayed, or it was started by mistake). The status is written
 * first, with every pending step marked skipped; then the schedules are deleted. A schedule that
 * still fires finds its step skipped and does nothing.
 */
export async function cancelExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
): Promise<ControlResult> {
  const at = () => deps.clock.now().toISOString();
  const { result, before } = await applyChange(deps, exitId, (exit) => {
    if (exit.status === 'cancelled' || exit.status === 'completed') {
      return { exitId, status: exit.status, changed: false };
    }
    const now = at();
    return {
      from: [exit.status],
      to: 'cancelled',
      at: now,
      entry: { at: now, event: 'exit.cancelled', detail: `Cancelled from the ${actor}.` },
      skip: { stepIds: pendingSteps(exit).map((s) => s.id), reason: 'exit cancelled' },
    };
  });
  if (before)
    await deleteSchedules(
      deps,
      exitId,
      pendingSteps(before).map((s) => s.id),
    );
  return result;
}

/** Pauses an active exit: nothing is sent until it is resumed. Pending steps keep their plan. */
export async function pauseExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
  controlAt?: string,
): Promise<ControlResult> {
  const order = { wanted: 'paused', controlAt } as const;
  const { result, before } = await applyControl(deps, exitId, order, (exit) => {
    if (exit.status === 'paused' || isStale(exit, controlAt)) {
      return { exitId, status: exit.status, changed: false };
    }
    if (exit.status !== 'active') throw new ConflictError(`A ${exit.status} exit cannot be paused`);
    const now = deps.clock.now().toISOString();
    return {
      from: ['active'],
      to: 'paused',
      at: now,
      entry: { at: now, event: 'exit.paused', detail: `Paused from the ${actor}.` },
      ...(controlAt ? { controlAt } : {}),
    };
  });
  if (before) await settleSchedules(deps, exitId);
  return result;
}

/**
 * How a paused exit picks up again. Steps still ahead keep their time. A notice, gratitude,
 * survey or reminder that fell due while paused goes at the next business-day send hour (a
 * pending survey still goes; the reminder keeps its distance after it). A check-in that fell due
 * is not sent late: it is skipped and the next one in the cadence after now is planned.
 */
export function resumePlan(exit: Exit, now: Date, rules: SequenceRules): StatusChange {
  const reschedule: Record<string, string> = {};
  const skipped: string[] = [];
  const add: Step[] = [];
  const at = now.toISOString();
  const country = exit.client.country;
  let floor = now.getTime();
  for (const step of pendingSteps(exit)) {
    const due = Date.parse(step.dueAt);
    if (step.kind === 'check-in') {
      if (due > now.getTime()) continue;
      skipped.push(step.id);
      const next = nextCheckIn(checkInInput(exit), now, rules);
      if (next && !exit.steps[next.stepId]) {
        add.push({
          id: next.stepId,
          kind: 'check-in',
          dueAt: next.dueAt,
          state: 'scheduled',
          attempts: 0,
        });
      }
      continue;
    }
    let wanted = due;
    if (step.kind === 'survey-reminder' && exit.steps.survey) {
      // Keep the reminder its distance after a moved survey, on a business day at the send hour.
      const surveyDue = reschedule.survey ?? exit.steps.survey.dueAt;
      const day = DateTime.fromISO(surveyDue, { zone: exit.client.timezone }).plus({
        days: rules.reminder.daysAfterSurvey,
      });
      const slot = nextSendSlot(new Date(day.toMillis() - 1), exit.client.timezone, country, rules);
      wanted = Math.max(due, Date.parse(slot));
    }
    if (wanted <= floor) {
      wanted = Date.parse(nextSendSlot(new Date(floor), exit.client.timezone, country, rules));
    }
    if (wanted !== due) reschedule[step.id] = new Date(wanted).toISOString().replace('.000Z', 'Z');
    floor = Math.max(floor, wanted);
  }
  return {
    from: ['paused'],
    to: 'active',
    at,
    entry: { at, event: 'exit.resumed', detail: 'Resumed; steps due while paused were replanned.' },
    reschedule,
    ...(skipped.length > 0 ? { skip: { stepIds: skipped, reason: 'missed while paused' } } : {}),
    add,
  };
}

/**
 * Resumes a paused exit and creates the schedules of every pending step. Resuming an exit that
 * is already active creates them again (in place when they exist): a resume whose schedules
 * failed after its status was written answers 5xx, and its retry must finish the job rather
 * than leave the steps to the next daily reconcile.
 */
export async function resumeExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
  controlAt?: string,
): Promise<ControlResult> {
  const order = { wanted: 'active', controlAt } as const;
  const { result, after, unchanged } = await applyControl(deps, exitId, order, (exit) => {
    if (isStale(exit, controlAt)) return { exitId, status: exit.status, changed: false };
    if (exit.status === 'active') return { exitId, status: exit.status, changed: false };
    if (exit.status !== 'paused')
      throw new ConflictError(`A ${exit.status} exit cannot be resumed`);
    const change = resumePlan(exit, deps.clock.now(), deps.rules);
    return {
      ...change,
      entry: {
        ...change.entry,
        detail: `Resumed from the ${actor}; steps due while paused were replanned.`,
      },
      ...(controlAt ? { controlAt } : {}),
    };
  });
  if (unchanged?.status === 'active' || after) await settleSchedules(deps, exitId);
  if (after) {
    if (pendingSteps(after).length === 0) {
      const now = deps.clock.now().toISOString();
      await deps.store.changeStatus(exitId, {
        from: ['active'],
        to: 'completed',
        at: now,
        entry: {
          at: now,
          event: 'exit.completed',
          detail: 'Nothing was left to send after the pause.',
        },
      });
    }
  }
  return result;
}

async function schedulePending(deps: ExitControlDeps, exit: Exit): Promise<void> {
  for (const step of pendingSteps(exit)) {
    await deps.scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
  }
}

/**
 * Makes the schedules match the exit as it is now, not as this control left it: concurrent
 * pauses and resumes interleave their writes and their schedule calls, so a resume's schedules
 * can land after a later pause deleted them. Each round reads the exit, creates (active) or
 * deletes (otherwise) the pending steps' schedules, and reads again; it ends once no other
 * control changed the status meanwhile (the last control to finish settles it).
 */
async function settleSchedules(deps: ExitControlDeps, exitId: string): Promise<void> {
  for (let round = 0; round < ATTEMPTS; round += 1) {
    const exit = await deps.store.get(exitId);
    if (!exit) return;
    const ids = pendingSteps(exit).map((s) => s.id);
    let failure: unknown;
    if (exit.status === 'active') await schedulePending(deps, exit).catch((e) => (failure = e));
    else await deleteSchedules(deps, exitId, ids);
    const again = await deps.store.get(exitId);
    // A schedule that kept vanishing under a concurrent pause is that pause's to settle.
    if (failure !== undefined && again?.status === 'active') throw failure;
    // The clock may not move between two writes, so the timeline tells them apart too.
    const same =
      again?.status === exit.status &&
      again.updatedAt === exit.updatedAt &&
      again.timeline.length === exit.timeline.length;
    if (same) return;
  }
}

/** Runs one action on an exit. */
export function controlExit(
  deps: ExitControlDeps,
  action: ControlAction,
  exitId: string,
  actor: Actor,
  /** When the event asking for it was sent; a pause or resume older than the last applied loses. */
  controlAt?: string,
): Promise<ControlResult> {
  // A cancel is final and wins whenever it arrives; only pause and resume can reverse each other.
  if (action === 'cancel') return cancelExit(deps, exitId, actor);
  if (action === 'pause') return pauseExit(deps, exitId, actor, controlAt);
  if (action === 'resume') return resumeExit(deps, exitId, actor, controlAt);
  throw new Error(`Unknown exit action ${String(action)}`);
}
