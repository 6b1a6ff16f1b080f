import { createReconcileHandler } from '../handlers/reconcile.js';
import { dependencies } from './dependencies.js';
import { withMetrics } from './metrics.js';

/** Lambda entry run daily by its own schedule. */
export const handler = withMetrics(createReconcileHandler(dependencies.reconcile), (report) => ({
  SchedulesRepaired: report.schedulesRepaired,
  ExitsCompleted: report.exitsCompleted,
}));
