import { describe, expect, it } from 'vitest';
import { startForFile } from '../../support/start-for-file.js';
import { burstOptions, burstStack, runBurst } from '../support/burst.js';
import { startStressStack } from '../support/stress-stack.js';

// `FAREWELL_BURST_WITHOUT=window,retries` runs the same scenario without the fixes: it fails.
const options = burstOptions();
const setup = burstStack(options);
const stack = startForFile(() => startStressStack(setup));

describe('SES burst: every step due in the same minute, SES throttling above its rate', () => {
  it(
    `sends all ${options.steps} steps once, none lost or dead-lettered, all within the hour`,
    async () => {
      const burst = await runBurst(stack, setup.clock, options);

      expect(burst.audit.lost).toEqual([]);
      expect(burst.deadLettered).toBe(0);
      expect(burst.duplicates).toBe(0);
      expect(burst.audit.inconsistent).toEqual([]);
      expect(burst.audit.byState).toEqual({ sent: options.steps });
      expect(burst.sentWithinHour).toBe(options.steps);
      // The local SES and the Lambda kept to their limits: the figures above are earned.
      expect(burst.maxAcceptedPerSecond).toBeLessThanOrEqual(options.perSecond);
      expect(burst.maxInFlight).toBeLessThanOrEqual(options.concurrency);
      // The window alone spans five real minutes at 4× (see `burst.ts`).
    },
    15 * 60_000,
  );
});
