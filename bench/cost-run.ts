import { synthFarewell } from '../test/infra/support/synth.js';
import type { ApiCallsResult } from './api-calls.js';
import { costGoalMissed, costModel, SES_EVENT_RATES, SES_EVENTS_PER_EMAIL } from './cost.js';
import { countAlarms, recordedColdStartMs } from './cost-inputs.js';
import { renderCost } from './report.js';
import { runSection } from './support/sections.js';

/**
 * `npx tsx bench/cost-run.ts`: the AWS-calls and cost sections of `npm run bench` alone (about a
 * minute instead of several): one exit through the local stack, then the cost model, billed at
 * the cold starts `bench/results.json` recorded. Prints the tables; writes nothing.
 */
const synthesized = synthFarewell({ full: false });
let alarms: number;
try {
  alarms = countAlarms(synthesized);
} finally {
  synthesized.remove();
}
process.stderr.write('bench: AWS calls per exit…\n');
const apiCalls = await runSection<ApiCallsResult>('api-calls');
const cost = costModel(apiCalls, recordedColdStartMs(), { alarms });
process.stdout.write(`${renderCost(apiCalls, cost)}\n`);
// The same exits had deliveries still been published to ses-events (as before issue 12).
const withDeliveries = costModel(apiCalls, recordedColdStartMs(), {
  alarms,
  sesEventsPerEmail: SES_EVENTS_PER_EMAIL + (SES_EVENT_RATES.delivery ?? 0),
});
process.stdout.write(
  `\nWith deliveries published to ses-events too: $${withDeliveries.fourEmails.total} per 1,000 four-email exits (ses-events $${withDeliveries.fourEmails.sesEvents}, secrets $${withDeliveries.fourEmails.secrets}, logs $${withDeliveries.fourEmails.logs}).\n`,
);
const missed = costGoalMissed(cost);
if (missed) process.stderr.write(`bench: ${missed}\n`);
