/**
 * Runs one entry point's property over exactly `runs` generated cases (no time limit: every case
 * runs), counts them, and keeps the figures in `test-artifacts/hostile/` for the issue note.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** Cases per entry point in `npm run test:stress`; the quick run in `npm test` uses fewer. */
export const FULL_RUNS = 10_000;
export const QUICK_RUNS = 150;

/**
 * `FAREWELL_HOSTILE_SEED=<n>` replays a reported failure. In CI every entry point keeps one
 * seed (from its name), so a red build means a change broke something, never that a new random
 * case turned up; local runs draw a fresh seed each time and keep exploring. A failure found
 * locally is fixed and its case kept as an example test.
 */
function seed(entryPoint: string): number {
  const given = Number(process.env.FAREWELL_HOSTILE_SEED);
  if (process.env.FAREWELL_HOSTILE_SEED && Number.isInteger(given)) return given;
  if (process.env.CI) return createHash('sha256').update(entryPoint).digest().readInt32BE(0);
  return Date.now() ^ (Math.random() * 0x7fffffff);
}

export interface FuzzFigures {
  entryPoint: string;
  cases: number;
  seed: number;
  ms: number;
  /** How often each outcome (an HTTP status, a row result…) came up. */
  outcomes: Record<string, number>;
}

/** Tallies outcomes so a run shows that its cases reached every branch, not only rejection. */
export class Tally {
  readonly counts: Record<string, number> = {};
  add(outcome: string | number): void {
    const key = String(outcome);
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
  get(outcome: string | number): number {
    return this.counts[String(outcome)] ?? 0;
  }
}

/**
 * Asserts `check` on `runs` cases of `arbitrary`; `check` throws to report a broken invariant
 * (fast-check then shrinks the case). Answers the figures, with the number of cases that ran.
 */
export async function fuzz<T>(
  entryPoint: string,
  arbitrary: fc.Arbitrary<T>,
  runs: number,
  check: (value: T, tally: Tally) => Promise<void> | void,
): Promise<FuzzFigures> {
  const tally = new Tally();
  const used = seed(entryPoint);
  let cases = 0;
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      cases += 1;
      await check(value, tally);
    }),
    { numRuns: runs, seed: used, endOnFailure: false },
  );
  return {
    entryPoint,
    cases,
    seed: used,
    ms: Date.now() - started,
    outcomes: tally.counts,
  };
}

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'hostile');

/** Adds figures to `test-artifacts/hostile/figures.json` (one entry per entry point and size). */
export function recordFigures(figures: FuzzFigures): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, 'figures.json');
  let all: Record<string, FuzzFigures> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, FuzzFigures>;
  } catch {
    // First figures of this checkout.
  }
  all[`${figures.entryPoint} (${figures.cases >= FULL_RUNS ? 'full' : 'quick'})`] = figures;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
