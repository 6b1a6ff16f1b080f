import { createSesEventsHandler } from '../handlers/ses-events.js';
import { dependencies } from './dependencies.js';
import { metricName, withMetrics } from './metrics.js';

/** Lambda entry fed by the EventBridge rule on the configuration set's SES events. */
export const handler = withMetrics(createSesEventsHandler(dependencies.sesEvents), (result) => ({
  [metricName('EmailEvent', result.outcome)]: 1,
}));
