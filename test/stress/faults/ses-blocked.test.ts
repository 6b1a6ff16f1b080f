import { describe, expect, it } from 'vitest';
import { isSendEmail, sesError } from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 30;
const STEPS_PER_EXIT = 6;
const SANDBOX_REFUSALS = 40;
const PAUSED_REFUSALS = 20;

const stack = startForFile(startStressStack);

describe('an SES account that cannot send yet (sandbox, then sending paused)', () => {
  it('loses and fails nothing: every step waits, then goes out once by itself', async () => {
    const started = Date.now();
    const ses = stack.proxies.ses;
    // SES's own answers, over HTTP, as a new account gives them before production access…
    ses.inject({
      label: 'SES sandbox MessageRejected 400',
      matches: isSendEmail,
      limit: SANDBOX_REFUSALS,
      answer: sesError(
        400,
        'MessageRejected',
        'Email address is not verified. The following identities failed the check in region US-EAST-1: someone@example.com',
      ),
    });
    // …and then while its sending is paused.
    ses.inject({
      label: 'SES SendingPausedException 400',
      matches: isSendEmail,
      limit: PAUSED_REFUSALS,
      answer: sesError(400, 'SendingPausedException', 'Sending is paused for this account.'),
    });

    const { exitIds } = await startExits(stack, batchId(), EXITS);
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-ses-blocked', {
      exitIds,
      started,
      repaired,
    });

    let notes = 0;
    for (const exitId of exitIds) {
      const exit = await stack.store.get(exitId);
      notes += exit?.timeline.filter((entry) => entry.event === 'step.waiting').length ?? 0;
      expect(Object.values(exit?.steps ?? {}).some((step) => step.state === 'failed')).toBe(false);
    }

    expect(ses.injected()).toEqual({
      'SES sandbox MessageRejected 400': SANDBOX_REFUSALS,
      'SES SendingPausedException 400': PAUSED_REFUSALS,
    });
    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.duplicates).toBe(0);
    expect(audit.byState).toEqual({ sent: EXITS * STEPS_PER_EXIT });
    // Each refusal is noted at most once per step and reason, never once per try beyond that.
    expect(notes).toBeGreaterThan(0);
    expect(notes).toBeLessThanOrEqual(SANDBOX_REFUSALS + PAUSED_REFUSALS);
    // Waiting is not an error: nothing thrown, nothing dead-lettered.
    expect(stack.invoker.stats.failures).toEqual({});
    expect(stack.invoker.stats.deadLettered).toEqual([]);
  });
});
