import { describe, expect, it } from 'vitest';
import { exitIdFromEvent } from '../../../functions/domain/ids.js';
import { waitFor } from '../../support/ports.js';
import { startForFile } from '../../support/start-for-file.js';
import { type ChildRun, childNoticeDelivery } from '../support/child-delivery.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 12;

const stack = startForFile(startStressStack);

describe('the process killed between send and commit', () => {
  it('re-sends once the lease expires: the one documented duplicate, and nothing lost', async () => {
    const started = Date.now();
    const batch = batchId();
    const runs: ChildRun[] = [];
    const kill = new Set<string>();
    // The first attempt at every notice runs in a child process; for every other exit the child
    // is killed right after SES accepted the notice. Exit ids derive from the webhook ids.
    for (let index = 0; index < EXITS; index += 2) {
      kill.add(exitIdFromEvent('webhook', `msg_${batch}_${index}`));
    }
    stack.setDelivery(childNoticeDelivery(stack, kill, runs));

    const { exitIds } = await startExits(stack, batch, EXITS);
    // The notices fire on the emulator's own timer; wait until each has been handled.
    await waitFor(
      async () => (stack.invoker.stats.invocations >= EXITS ? true : undefined),
      60_000,
      100,
    );
    const heldAfterCrash = [];
    for (const exitId of kill) {
      heldAfterCrash.push((await stack.store.get(exitId))?.steps.notice?.state);
    }
    // Past the lease (2 minutes), the reconciler hands the claimed notices out again.
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-crash-before-commit', {
      exitIds,
      started,
      repaired,
      otherFaults: {
        'send-step process SIGKILLed after SES accepted': runs.filter((r) => r.killed).length,
      },
      notes: `${runs.length} first notice attempts in child processes; after the crashes Lambda's retries found the claims held (notices still sending: ${heldAfterCrash.filter((state) => state === 'sending').length})`,
    });

    const duplicated = audit.attempts
      .filter((attempt) => attempt.accepted)
      .reduce(
        (counts, attempt) => counts.set(attempt.key, (counts.get(attempt.key) ?? 0) + 1),
        new Map<string, number>(),
      );
    const duplicatedKeys = [...duplicated].filter(([, count]) => count > 1).map(([key]) => key);

    expect(runs.filter((run) => run.killed)).toHaveLength(kill.size);
    expect(heldAfterCrash.every((state) => state === 'sending')).toBe(true);
    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.byState).toEqual({ sent: EXITS * 6 });
    // Exactly one duplicate per crash, each the killed notice, each explained by the lease.
    expect(duplicatedKeys.sort()).toEqual([...kill].map((id) => `${id}/notice`).sort());
    expect(audit.duplicates).toBe(kill.size);
    expect(audit.leaseWindowDuplicates).toBe(kill.size);
    expect(audit.unexplainedDuplicates).toEqual([]);
  });
});
