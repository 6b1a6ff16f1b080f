import { createSendStepHandler } from '../handlers/send-step.js';
import { buildMail } from '../mail-root.js';
import { buildSendStep } from '../send-step-root.js';
import { buildShared } from '../shared-root.js';
import { bootstrap } from './bootstrap.js';
import { metricName, withMetrics } from './metrics.js';

/** Built at init (see `reconcile.ts`): the table, the schedules and mail, no pages. */
const deps = await bootstrap(process.env, (config, overrides) => {
  const shared = buildShared(config, overrides);
  return buildSendStep(shared, buildMail(shared));
});

/** Lambda entry invoked by each step's EventBridge Scheduler schedule. */
export const handler = withMetrics(createSendStepHandler(deps), (result) => ({
  [metricName('Step', result.outcome)]: 1,
}));
