import { createSendStepHandler } from '../handlers/send-step.js';
import { dependencies } from './dependencies.js';
import { metricName, withMetrics } from './metrics.js';

/** Lambda entry invoked by each step's EventBridge Scheduler schedule. */
export const handler = withMetrics(createSendStepHandler(dependencies.sendStep), (result) => ({
  [metricName('Step', result.outcome)]: 1,
}));
