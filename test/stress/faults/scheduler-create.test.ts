import { describe, expect, it } from 'vitest';
import { isCreateSchedule, schedulerError } from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const EXITS = 40;

const stack = startForFile(startStressStack);

describe('Scheduler CreateSchedule failures', () => {
  it('loses no step: senders retry the webhook, the reconciler repairs missing schedules', async () => {
    const started = Date.now();
    // Bursts of three 500s: as many as the SDK's attempts, so every tenth create fails for good
    // and the webhook answers 500.
    const failure = schedulerError(500, 'InternalServerException', 'Unexpected error.');
    stack.proxies.scheduler.inject({
      label: 'Scheduler 500 on CreateSchedule, webhooks',
      matches: isCreateSchedule,
      fails: (index) => index % 10 < 3,
      limit: 60,
      answer: failure,
    });
    // One webhook at a time, so each burst hits one call; every fourth sender never retries.
    const { exitIds, webhookFailures, gaveUp } = await startExits(stack, batchId(), EXITS, {
      concurrency: 1,
      attempts: (index) => (index % 4 === 0 ? 1 : 6),
    });
    // Then during the run: the second check-in, planned when the first is sent, is committed but
    // not scheduled (send-step throws after its commit), and the reconciler's first repairs fail.
    stack.proxies.scheduler.clear();
    stack.proxies.scheduler.inject({
      label: 'Scheduler 500 on CreateSchedule of check-in 2, during the run',
      matches: (request) => isCreateSchedule(request) && request.path.includes('-check-in-2'),
      limit: 45,
      answer: failure,
    });
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-scheduler-create', {
      exitIds,
      started,
      repaired,
      notes: `webhooks answered 5xx: ${webhookFailures} (senders that gave up: ${gaveUp}); reconciler runs that failed: ${stack.reconcilerFailures}`,
    });

    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.exits).toBe(EXITS);
    expect(audit.byState).toEqual({ sent: EXITS * 6 });
    expect(audit.duplicates).toBe(0);
    expect(audit.stored).toBe(audit.accepted);
    expect(webhookFailures).toBeGreaterThan(0);
    expect(gaveUp).toBeGreaterThan(0);
    expect(repaired).toBeGreaterThan(0);
    expect(Object.keys(stack.invoker.stats.failures)).toEqual([
      'TransientError: Could not create schedule fw-… (InternalServerException)',
    ]);
    expect(stack.invoker.stats.deadLettered).toEqual([]);
  });
});
