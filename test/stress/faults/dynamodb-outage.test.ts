import { describe, expect, it } from 'vitest';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 40;
/** The outage starts at this table write of the run… */
const OUTAGE_AT_WRITE = 150;
/** …and lasts this long in real time: longer than a send-step's three attempts. */
const OUTAGE_MS = 3_000;

const stack = startForFile(startStressStack);

describe('a DynamoDB outage in the middle of a run', () => {
  it('loses no step when dynalite stops and starts again on the same port and data', async () => {
    const started = Date.now();
    const { exitIds } = await startExits(stack, batchId(), EXITS);

    let writes = 0;
    let outage: Promise<void> | undefined;
    stack.proxies.dynamodb.onRequest(async (request) => {
      if (request.operation !== 'UpdateItem' || outage) return;
      writes += 1;
      if (writes < OUTAGE_AT_WRITE) return;
      // This request goes to a stopped server: the outage starts with a write in flight.
      const stopped = stack.dynamo.stop();
      outage = stopped.then(async () => {
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        await stack.dynamo.start();
      });
      await stopped;
    });
    // Virtual days wait for the outage to end: it lasts seconds, not the months a day a hop
    // would pass in that time.
    const repaired = await runWholeSequence(stack, 1, { beforeHop: async () => outage });
    await outage;
    const failedDuringOutage = stack.proxies.dynamodb
      .exchanges()
      .filter((exchange) => exchange.upstreamError).length;
    const audit = await finishScenario(stack, 'faults-dynamodb-outage', {
      exitIds,
      started,
      repaired,
      otherFaults: {
        [`dynalite stopped for ${OUTAGE_MS / 1000} s, restarted on the same port and data`]: 1,
        'DynamoDB writes cut off': failedDuringOutage,
      },
      notes: `the outage began at table write ${OUTAGE_AT_WRITE}; reconciler runs that failed during it: ${stack.reconcilerFailures}`,
    });

    expect(outage).toBeDefined();
    expect(stack.dynamo.running()).toBe(true);
    expect(failedDuringOutage).toBeGreaterThan(0);
    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.exits).toBe(EXITS);
    expect(Object.keys(audit.byState)).toEqual(['sent']);
    expect(audit.unexplainedDuplicates).toEqual([]);
    expect(audit.stored).toBe(audit.accepted);
  });
});
