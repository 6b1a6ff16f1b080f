import { createScheduledHandler } from '../handlers/scheduled.js';
import { dependencies } from './dependencies.js';
import { metricName, withMetrics } from './metrics.js';

/** Lambda entry invoked by each step's (and each digest's) EventBridge Scheduler schedule. */
export const handler = withMetrics(
  createScheduledHandler(dependencies.sendStep, dependencies.digest),
  (result) => ({
    [metricName('Step', result.outcome)]: 1,
  }),
);
