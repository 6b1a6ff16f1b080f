import { describe, expect, it } from 'vitest';
import { isSendEmail, sesError } from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 40;
const STEPS_PER_EXIT = 6;

const stack = startForFile(startStressStack);

describe('SES throttling and 5xx bursts', () => {
  it('sends every step once: the SDK, Lambda retries and the reconciler absorb the failures', async () => {
    const started = Date.now();
    const ses = stack.proxies.ses;
    // Every fourth send throttled: the SDK's own retries absorb these.
    ses.inject({
      label: 'SES TooManyRequestsException 429',
      matches: isSendEmail,
      fails: (index) => index % 4 === 1,
      limit: 40,
      answer: sesError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'),
    });
    // Bursts of five 500s: more than the SDK's three attempts, so send-step throws, gives its
    // claim back, and Lambda's retry sends.
    ses.inject({
      label: 'SES InternalFailure 500 (bursts of 5)',
      matches: isSendEmail,
      fails: (index) => index % 30 < 5,
      limit: 30,
      answer: sesError(500, 'InternalFailure', 'An internal error occurred.'),
    });
    // One long burst of 503s: longer than all three Lambda attempts, so the event dead-letters
    // and the reconciler has to repair the step.
    ses.inject({
      label: 'SES ServiceUnavailable 503 (one burst of 12)',
      matches: isSendEmail,
      fails: (index) => index >= 60 && index < 72,
      limit: 12,
      answer: sesError(503, 'ServiceUnavailable', 'Service unavailable.'),
    });

    const { exitIds } = await startExits(stack, batchId(), EXITS);
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-ses-transient', {
      exitIds,
      started,
      repaired,
    });

    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.byState).toEqual({ sent: EXITS * STEPS_PER_EXIT });
    expect(audit.duplicates).toBe(0);
    expect(audit.stored).toBe(audit.accepted);
    expect(ses.injected()).toEqual({
      'SES TooManyRequestsException 429': 40,
      'SES InternalFailure 500 (bursts of 5)': 30,
      'SES ServiceUnavailable 503 (one burst of 12)': 12,
    });
    // The faults reached the function, and the long burst outlasted Lambda's retries.
    expect(Object.keys(stack.invoker.stats.failures).length).toBeGreaterThan(0);
    expect(stack.invoker.stats.deadLettered.length).toBeGreaterThan(0);
    expect(repaired).toBeGreaterThanOrEqual(stack.invoker.stats.deadLettered.length);
  });
});
