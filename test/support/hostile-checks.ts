/**
 * What must hold after a fuzz run as a whole: no request's failure escaped as an unhandled
 * rejection or uncaught exception, and what the process logged meanwhile names no address and
 * shows no secret.
 */
import { expect } from 'vitest';
import type { FuzzFigures } from './hostile-fuzz.js';
import { FULL_RUNS, recordFigures } from './hostile-fuzz.js';
import { CrashWatch } from './hostile-invariants.js';
import { addressesIn, secretsIn } from './hostile-log-scan.js';
import { type HostileStack, stackSecrets } from './hostile-stack.js';

/** Starts watching for crashes; the returned check asserts the run's aftermath. */
export function watchRun(stack: HostileStack): { check(): void } {
  const crashes = new CrashWatch();
  crashes.start();
  const from = stack.output.text().length;
  return {
    check() {
      crashes.stop();
      expect(crashes.crashes).toEqual([]);
      const logged = stack.output.text().slice(from);
      expect(addressesIn(logged)).toEqual([]);
      expect(secretsIn(logged, stackSecrets(stack))).toEqual([]);
    },
  };
}

/** Asserts that every case ran, records the figures and prints them. */
export function reportFigures(figures: FuzzFigures, runs: number): void {
  expect(figures.cases).toBeGreaterThanOrEqual(runs);
  recordFigures(figures);
  // The quick runs of `npm test` keep quiet; the figures file has them too.
  if (figures.cases < FULL_RUNS) return;
  console.info(
    `${figures.entryPoint}: ${figures.cases} cases in ${(figures.ms / 1000).toFixed(1)} s (seed ${figures.seed}) ${JSON.stringify(figures.outcomes)}`,
  );
}
