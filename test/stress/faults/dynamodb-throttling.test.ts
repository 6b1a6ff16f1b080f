import { describe, expect, it } from 'vitest';
import { dynamoError } from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 40;

const stack = startForFile(startStressStack);

const throttled = () =>
  dynamoError(
    'ProvisionedThroughputExceededException',
    'The level of configured provisioned throughput for the table was exceeded.',
  );

describe('DynamoDB throttling', () => {
  it('loses no step; a duplicate only where a commit after an accepted send failed', async () => {
    const started = Date.now();
    const dynamodb = stack.proxies.dynamodb;
    // Any table call, from the webhook, send-step or the reconciler. Single throttles are the
    // SDK's to retry; bursts of four outlast its three attempts and reach our code.
    dynamodb.inject({
      label: 'DynamoDB ProvisionedThroughputExceededException',
      matches: (request) => request.operation !== undefined,
      fails: (index) => index % 7 === 3,
      limit: 40,
      answer: throttled(),
    });
    dynamodb.inject({
      label: 'DynamoDB ProvisionedThroughputExceededException (bursts of 4)',
      matches: (request) => request.operation !== undefined,
      fails: (index) => index % 97 < 4,
      limit: 24,
      answer: throttled(),
    });

    const { exitIds, webhookFailures } = await startExits(stack, batchId(), EXITS);
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-dynamodb-throttling', {
      exitIds,
      started,
      repaired,
      notes: `webhook deliveries answered 5xx and retried by the sender: ${webhookFailures}; reconciler runs that failed: ${stack.reconcilerFailures}`,
    });

    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.exits).toBe(EXITS);
    expect(Object.keys(audit.byState)).toEqual(['sent']);
    expect(audit.unexplainedDuplicates).toEqual([]);
    expect(audit.stored).toBe(audit.accepted);
    expect(dynamodb.injected()['DynamoDB ProvisionedThroughputExceededException']).toBe(40);
  });
});
