import type { EventLog } from '../domain/ports.js';
import {
  type ReconcileDeps,
  type ReconcileReport,
  reconcile,
} from '../domain/use-cases/reconcile.js';

export type ReconcileHandler = () => Promise<ReconcileReport>;

/** The reconciler Lambda, run daily by a schedule: repairs lost schedules, completes done exits. */
export function createReconcileHandler(deps: ReconcileDeps & { log: EventLog }): ReconcileHandler {
  return async () => {
    const report = await reconcile(deps);
    deps.log.info('reconciled', { ...report });
    return report;
  };
}
