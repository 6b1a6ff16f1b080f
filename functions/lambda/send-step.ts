import { buildDigest } from '../digest-root.js';
import { createScheduledHandler } from '../handlers/scheduled.js';
import { buildMail } from '../mail-root.js';
import { buildSendStep } from '../send-step-root.js';
import { buildShared } from '../shared-root.js';
import { bootstrap } from './bootstrap.js';
import { metricName, withMetrics } from './metrics.js';

/** Built at init (see `reconcile.ts`): the table, the schedules and mail, no pages. */
const deps = await bootstrap(process.env, (config, overrides) => {
  const shared = buildShared(config, overrides);
  const mail = buildMail(shared);
  return { sendStep: buildSendStep(shared, mail), digest: buildDigest(shared, mail) };
});

/** Lambda entry invoked by each step's (and each digest's) EventBridge Scheduler schedule. */
export const handler = withMetrics(
  createScheduledHandler(deps.sendStep, deps.digest),
  (result) => ({
    [metricName('Step', result.outcome)]: 1,
  }),
);
