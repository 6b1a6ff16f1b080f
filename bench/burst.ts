import { pathToFileURL } from 'node:url';
import {
  type BurstFigures,
  burstOptions,
  burstStack,
  runBurst,
} from '../test/stress/support/burst.js';
import { startStressStack } from '../test/stress/support/stress-stack.js';

/** The burst figures the bench reports (the audit's detail left out). */
export type Burst = Omit<BurstFigures, 'audit'>;

/**
 * Issue 12's burst scenario (`test/stress/support/burst.ts`): 2,000 steps due in the same minute,
 * SES throttling above 2 sends a second, on a clock running 4 times faster than real time.
 * `without` switches fixes off (`window`, `retries`, `cap`) to show what they buy.
 */
export async function measureBurst(without = ''): Promise<Burst> {
  const options = burstOptions(without);
  const setup = burstStack(options);
  const stack = await startStressStack(setup);
  try {
    const { audit: _audit, ...figures } = await runBurst(stack, setup.clock, options);
    return figures;
  } finally {
    await stack.stop();
  }
}

/** One table row per run: the figures issue 12 asks for. */
export function burstRows(runs: readonly Burst[]): (string | number)[][] {
  return runs.map((run) => [
    `window ${run.options.windowMinutes} min, concurrency ${run.options.concurrency}, throttle retries ${run.options.throttleRetries ? 'on' : 'off'}`,
    run.throttled,
    `${run.deferrals} / ${run.lambdaRetries}`,
    `${run.maxLatenessMinutes} min`,
    `${run.sentWithinHour} / ${run.options.steps}`,
    run.duplicates,
    run.lost,
    run.deadLettered,
    `${run.realSeconds} s`,
  ]);
}

export const BURST_HEAD = [
  'run',
  'throttled (429)',
  'deferrals / Lambda retries',
  'max lateness',
  'sent within the hour',
  'duplicates',
  'lost',
  'dead-lettered',
  'real time',
];

// `npx tsx bench/burst.ts [--without window,retries]`: this section alone, printed as JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.indexOf('--without');
  const without = flag >= 0 ? (process.argv[flag + 1] ?? '') : '';
  process.stdout.write(`${JSON.stringify(await measureBurst(without), null, 2)}\n`);
  // The local stack leaves keep-alive sockets and timers behind; the figures are printed.
  process.exit(0);
}
