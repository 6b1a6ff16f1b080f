import { createSesEventsHandler } from '../handlers/ses-events.js';
import { buildSesEvents } from '../ses-events-root.js';
import { buildShared } from '../shared-root.js';
import { bootstrap } from './bootstrap.js';
import { metricName, withMetrics } from './metrics.js';

/** Built at init (see `reconcile.ts`): the table and the schedules only, no mail, no pages. */
const deps = await bootstrap(process.env, (config, overrides) =>
  buildSesEvents(buildShared(config, overrides)),
);

/** Lambda entry fed by the EventBridge rule on the configuration set's SES events. */
export const handler = withMetrics(createSesEventsHandler(deps), (result) => ({
  [metricName('EmailEvent', result.outcome)]: 1,
}));
