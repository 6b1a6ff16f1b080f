import { describe, expect, it } from 'vitest';
import type { SendStepResult } from '../../functions/domain/use-cases/send-step.js';
import { startForFile } from '../support/start-for-file.js';
import { emailsPerRecipient } from './support/audit.js';
import { batchId, recipient, runWholeSequence, startExits } from './support/exits.js';
import { finishScenario } from './support/scenario.js';
import { startStressStack } from './support/stress-stack.js';

const EXITS = 200;
const IN_A_ROW = 3;
const AT_ONCE = 5;
/** notice, gratitude, survey, survey reminder, two check-ins. */
const STEPS_PER_EXIT = 6;

const stack = startForFile(startStressStack);

describe('redelivery', () => {
  it('sends exactly one email per step when every scheduler event arrives 3 times in a row and 5 at once', async () => {
    const started = Date.now();
    const batch = batchId();
    const events: string[] = [];
    const outcomes = new Map<string, SendStepResult['outcome'][]>();
    // Scheduler and Lambda deliver at least once: each fired schedule reaches send-step 8 times,
    // half the events racing 5 concurrent deliveries for the unclaimed step first.
    stack.setDelivery(async (input) => {
      const index = events.push(input);
      const results: SendStepResult['outcome'][] = [];
      outcomes.set(input, results);
      const deliver = async () => results.push((await stack.sendStep(JSON.parse(input))).outcome);
      const inARow = async () => {
        for (let i = 0; i < IN_A_ROW; i += 1) await deliver();
      };
      const atOnce = () => Promise.all(Array.from({ length: AT_ONCE }, deliver));
      if (index % 2 === 0) {
        await atOnce();
        await inARow();
      } else {
        await inARow();
        await atOnce();
      }
    });

    const { exitIds } = await startExits(stack, batch, EXITS);
    const repaired = await runWholeSequence(stack);
    // And once more, late, after the sequence is over: a redrive from the dead-letter queue.
    const late: SendStepResult[] = [];
    for (let i = 0; i < events.length; i += 32) {
      const slice = events.slice(i, i + 32);
      late.push(...(await Promise.all(slice.map((input) => stack.sendStep(JSON.parse(input))))));
    }

    const deliveries = [...outcomes.values()].reduce((sum, list) => sum + list.length, 0);
    const acting = [...outcomes.values()].map((list) => list.filter((o) => o !== 'no-op').length);
    const audit = await finishScenario(stack, 'redelivery', {
      exitIds,
      started,
      repaired,
      notes: `${events.length} scheduler events, each delivered ${IN_A_ROW} times in a row and ${AT_ONCE} at once, then once more late: ${deliveries + late.length} deliveries to send-step`,
    });
    const perRecipient = await emailsPerRecipient(stack.sesUrl);

    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.exits).toBe(EXITS);
    expect(audit.byState).toEqual({ sent: EXITS * STEPS_PER_EXIT });
    expect(events).toHaveLength(EXITS * STEPS_PER_EXIT);
    expect(acting.every((count) => count === 1)).toBe(true);
    expect(late.every((result) => result.outcome === 'no-op')).toBe(true);
    expect(audit.duplicates).toBe(0);
    expect(audit.accepted).toBe(EXITS * STEPS_PER_EXIT);
    expect(audit.stored).toBe(EXITS * STEPS_PER_EXIT);
    for (let index = 0; index < EXITS; index += 1) {
      expect(perRecipient.get(recipient(batch, index))).toBe(STEPS_PER_EXIT);
    }
    expect(stack.invoker.stats.deadLettered).toEqual([]);
  });
});
