import type { Exit, Step } from '../exit.js';
import { nothingLeftToSend } from '../exit-changes.js';
import { completeExit } from '../exit-writes.js';
import type { Clock, EventLog, ExitStore, StepScheduler } from '../ports.js';

export interface ReconcileDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
  /**
   * Takes no further page after this long (wall time), default 4 minutes: inside the function's
   * 5-minute timeout. What is left keeps its mark and is the next run's work.
   */
  budgetMs?: number;
}

export interface ReconcileReport {
  exitsChecked: number;
  schedulesRepaired: number;
  exitsCompleted: number;
  /** Present when the run stopped on its time budget with exits still due. */
  unfinished?: true;
}

/** A step is overdue when its schedule should have fired this long ago and it is still pending. */
const OVERDUE_MS = 15 * 60_000;

/** A step's schedule is checked this long before it falls due: time to repair a lost one. */
export const RECONCILE_HORIZON_MS = 24 * 60 * 60_000;

const DEFAULT_BUDGET_MS = 4 * 60_000;

/** Steps that should have a live schedule: scheduled ones, and claims whose sender died. */
function waitingSteps(exit: Pick<Exit, 'steps'>, now: string): Step[] {
  return Object.values(exit.steps).filter(
    (step) =>
      step.state === 'scheduled' ||
      (step.state === 'sending' && step.lease !== undefined && step.lease.expiresAt < now),
  );
}

/**
 * When the reconciler must look at an exit again after looking at it at `now`: the earliest of,
 * per pending step, the day before it falls due (its schedule is checked), the moment it would be
 * overdue, the end of a live claim; a step already overdue (just repaired) is looked at again
 * once it has had the time to fire. Always after `now`, so a looked-at exit leaves the run.
 * Writes that add steps or move them earlier need not know this: a status change marks the exit
 * for the next run, and the sequence's own writes only ever move a step's need later.
 */
export function nextReconcileAt(exit: Pick<Exit, 'steps'>, now: Date): Date | undefined {
  const at = now.getTime();
  let next: number | undefined;
  for (const step of Object.values(exit.steps)) {
    let look: number | undefined;
    if (step.state === 'scheduled') {
      const due = Date.parse(step.dueAt);
      if (due - RECONCILE_HORIZON_MS > at) look = due - RECONCILE_HORIZON_MS;
      else if (due + OVERDUE_MS > at) look = due + OVERDUE_MS;
      else look = at + OVERDUE_MS;
    } else if (step.state === 'sending') {
      const expires = step.lease ? Date.parse(step.lease.expiresAt) : at;
      look = expires > at ? expires : at + OVERDUE_MS;
    }
    if (look !== undefined && (next === undefined || look < next)) next = look;
  }
  return next === undefined ? undefined : new Date(next);
}

/**
 * Repairs active exits whose pending steps lost their schedule (a crash between the write and the
 * schedule, a deleted schedule) or are overdue (a schedule that fired into a failure, a sender
 * that died holding a claim), and completes exits with nothing left to send. Its work grows with
 * the exits that need a look, not with the exits stored:
 * 1. Read the active exits whose reconcile mark is due (`listReconcileDue`), a page at a time.
 * 2. Complete each exit with nothing left to send (`completeExit`).
 * 3. Check each waiting step's schedule by name; schedule again one missing or overdue.
 * 4. Move the exit's mark to when it needs a look again (`nextReconcileAt`).
 * Stops taking pages once its time budget is spent; the rest keep their marks for the next run.
 *
 * Idempotent: a step that is fine is left alone, and scheduling is idempotent by name.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { exitsChecked: 0, schedulesRepaired: 0, exitsCompleted: 0 };
  const stopAt = performance.now() + (deps.budgetMs ?? DEFAULT_BUDGET_MS);
  const runAt = deps.clock.now().toISOString();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listReconcileDue(runAt, cursor);
    for (const { exit, mark } of page.exits) {
      report.exitsChecked += 1;
      const now = deps.clock.now();
      if (nothingLeftToSend(exit)) {
        const at = now.toISOString();
        const detail = 'The reconciler found nothing left to send.';
        if (await completeExit(deps.store, exit.id, at, detail)) report.exitsCompleted += 1;
        continue;
      }
      for (const step of waitingSteps(exit, now.toISOString())) {
        const overdue = Date.parse(step.dueAt) < now.getTime() - OVERDUE_MS;
        const missing = !overdue && !(await deps.scheduler.exists(exit.id, step.id));
        if (!missing && !overdue) continue;
        const result = await deps.scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
        if (result === 'unchanged') continue;
        report.schedulesRepaired += 1;
        deps.log.info('schedule repaired', { exitId: exit.id, stepId: step.id, missing, overdue });
      }
      const next = nextReconcileAt(exit, now);
      if (next) await deps.store.markReconciled(exit.id, mark, next.toISOString());
    }
    cursor = page.cursor;
    if (cursor && performance.now() > stopAt) {
      report.unfinished = true;
      break;
    }
  } while (cursor);
  return report;
}
