import { describe, expect, it } from 'vitest';
import { isSendEmail, type ProxiedRequest, sesError } from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, recipient, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 30;

const stack = startForFile(startStressStack);

function sendTo(addresses: Set<string>) {
  return (request: ProxiedRequest) => {
    if (!isSendEmail(request)) return false;
    const body = JSON.parse(request.body.toString('utf8')) as {
      Destination?: { ToAddresses?: string[] };
    };
    return addresses.has(body.Destination?.ToAddresses?.[0] ?? '');
  };
}

describe('a permanent SES rejection', () => {
  it('records the step as failed with the reason and never retries it', async () => {
    const started = Date.now();
    const batch = batchId();
    const indexes = Array.from({ length: EXITS }, (_, index) => index);
    const rejectedBySes = new Set(
      indexes.filter((i) => i % 5 === 0).map((i) => recipient(batch, i)),
    );
    const rejectedLocally = new Set(
      indexes.filter((i) => i % 5 === 1).map((i) => recipient(batch, i)),
    );
    // SES's own answer for a message it will never send (its content; not the sandbox, which waits).
    stack.proxies.ses.inject({
      label: 'SES MessageRejected 400',
      matches: sendTo(rejectedBySes),
      limit: Number.POSITIVE_INFINITY,
      answer: sesError(400, 'MessageRejected', 'Message rejected: content not accepted.'),
    });
    // A message aws-ses-v2-local itself rejects: the subject blanked on the way.
    stack.proxies.ses.inject({
      label: 'subject blanked, aws-ses-v2-local answers 400',
      matches: sendTo(rejectedLocally),
      limit: Number.POSITIVE_INFINITY,
      answer: {
        rewrite: (body) => {
          const json = JSON.parse(body.toString('utf8'));
          json.Content.Simple.Subject.Data = '';
          return Buffer.from(JSON.stringify(json));
        },
      },
    });

    const { exitIds } = await startExits(stack, batch, EXITS);
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-ses-permanent', {
      exitIds,
      started,
      repaired,
    });

    const rejected = new Set([...rejectedBySes, ...rejectedLocally]);
    const failedAttempts = audit.attempts.filter((attempt) => !attempt.accepted);
    const attemptsPerStep = new Map<string, number>();
    for (const attempt of failedAttempts) {
      attemptsPerStep.set(attempt.key, (attemptsPerStep.get(attempt.key) ?? 0) + 1);
    }
    const reasons = new Set<string>();
    for (const exitId of exitIds) {
      const exit = await stack.store.get(exitId);
      if (!exit || !rejected.has(exit.client.email)) continue;
      for (const step of Object.values(exit.steps)) reasons.add(`${step.state}: ${step.reason}`);
      expect(exit.status).toBe('completed');
    }

    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.duplicates).toBe(0);
    // Each rejected address: notice, gratitude, survey, reminder and the first check-in, each
    // tried once and failed (a failed check-in plans no next one).
    expect(failedAttempts.every((attempt) => rejected.has(attempt.recipient))).toBe(true);
    expect(failedAttempts).toHaveLength(rejected.size * 5);
    expect([...attemptsPerStep.values()].every((count) => count === 1)).toBe(true);
    expect([...reasons].sort()).toEqual([
      'failed: SES rejected the message (MessageRejected)',
      'failed: SES rejected the message (Unknown)',
    ]);
    expect(audit.byState).toEqual({ sent: (EXITS - rejected.size) * 6, failed: rejected.size * 5 });
    // Permanent failures are recorded, not thrown: no retry, no dead letter.
    expect(stack.invoker.stats.failures).toEqual({});
    expect(stack.invoker.stats.deadLettered).toEqual([]);
  });
});
