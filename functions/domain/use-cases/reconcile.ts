import type { Exit, Step } from '../exit.js';
import { nothingLeftToSend } from '../exit-changes.js';
import { completeExit } from '../exit-writes.js';
import type { Clock, EventLog, ExitStore, StepScheduler } from '../ports.js';

export interface ReconcileDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
}

export interface ReconcileReport {
  exitsChecked: number;
  schedulesRepaired: number;
  exitsCompleted: number;
}

/** A step is overdue when its schedule should have fired this long ago and it is still pending. */
const OVERDUE_MS = 15 * 60_000;

/** Steps that should have a live schedule: scheduled ones, and claims whose sender died. */
function waitingSteps(exit: Exit, now: string): Step[] {
  return Object.values(exit.steps).filter(
    (step) =>
      step.state === 'scheduled' ||
      (step.state === 'sending' && step.lease !== undefined && step.lease.expiresAt < now),
  );
}

/**
 * Repairs active exits whose pending steps lost their schedule (a crash between the write and the
 * schedule, a deleted schedule) or are overdue (a schedule that fired into a failure, a sender
 * that died holding a claim), and completes exits with nothing left to send:
 * 1. List every schedule once.
 * 2. Load the active exits, a page at a time.
 * 3. Complete each exit with nothing left to send (`completeExit`).
 * 4. Schedule again each waiting step whose schedule is missing or overdue.
 *
 * Idempotent: a step that is fine is left alone, and scheduling is idempotent by name.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { exitsChecked: 0, schedulesRepaired: 0, exitsCompleted: 0 };
  const scheduled = await deps.scheduler.listScheduled();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listByStatus('active', {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const exit of page.exits) {
      report.exitsChecked += 1;
      const now = deps.clock.now();
      if (nothingLeftToSend(exit)) {
        const at = now.toISOString();
        const detail = 'The reconciler found nothing left to send.';
        if (await completeExit(deps.store, exit.id, at, detail)) report.exitsCompleted += 1;
        continue;
      }
      for (const step of waitingSteps(exit, now.toISOString())) {
        const missing = !scheduled.has(`${exit.id}/${step.id}`);
        const overdue = Date.parse(step.dueAt) < now.getTime() - OVERDUE_MS;
        if (!missing && !overdue) continue;
        const result = await deps.scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
        if (result === 'unchanged') continue;
        report.schedulesRepaired += 1;
        deps.log.info('schedule repaired', { exitId: exit.id, stepId: step.id, missing, overdue });
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return report;
}
