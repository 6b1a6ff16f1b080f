import { describe, expect, it } from 'vitest';
import { isSendEmail } from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 40;
const STEPS_PER_EXIT = 6;
const LOST_ANSWERS = 10;

const stack = startForFile(startStressStack);

describe('SES accepts an email but its answer is lost', () => {
  it('loses no email; each lost answer costs exactly one second copy, inside the documented window', async () => {
    const started = Date.now();
    // SES takes the email, then the connection drops before its answer arrives: to the SDK
    // this is a network error like any other, so it tries again and SES sends a second copy.
    stack.proxies.ses.inject({
      label: 'SES answer lost after acceptance',
      matches: isSendEmail,
      fails: (index) => index % 20 === 7,
      limit: LOST_ANSWERS,
      answer: { answerLost: true },
    });

    const { exitIds } = await startExits(stack, batchId(), EXITS);
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-ses-answer-lost', {
      exitIds,
      started,
      repaired,
      notes: 'a lost answer looks like a failed send: the SDK retries and SES sends again',
    });

    expect(stack.proxies.ses.injected()).toEqual({
      'SES answer lost after acceptance': LOST_ANSWERS,
    });
    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.byState).toEqual({ sent: EXITS * STEPS_PER_EXIT });
    // Every second copy is one whose first copy SES accepted and no commit recorded.
    expect(audit.duplicates).toBe(LOST_ANSWERS);
    expect(audit.leaseWindowDuplicates).toBe(LOST_ANSWERS);
    expect(audit.unexplainedDuplicates).toEqual([]);
  });
});
