import { createReconcileHandler } from '../handlers/reconcile.js';
import { buildReconcile } from '../reconcile-root.js';
import { buildShared } from '../shared-root.js';
import { bootstrap } from './bootstrap.js';
import { withMetrics } from './metrics.js';

/**
 * Built once per cold start, before the first invocation: top-level await in the ESM bundle, so
 * the secret is read and the config validated during the init phase, and a bad config fails the
 * init loudly instead of every request. Only the reconciler's part: no SES client, no pages.
 */
const deps = await bootstrap(process.env, (config, overrides) =>
  buildReconcile(buildShared(config, overrides)),
);

/** Lambda entry run daily by its own schedule. */
export const handler = withMetrics(createReconcileHandler(deps), (report) => ({
  SchedulesRepaired: report.schedulesRepaired,
  ExitsCompleted: report.exitsCompleted,
}));
