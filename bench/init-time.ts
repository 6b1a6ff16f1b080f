import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { aws, STUB_SECRET, startSecretsStub } from '../test/infra/support/import-bundle.js';
import { median, round } from './support/stats.js';

const run = promisify(execFile);

/**
 * Init time of each function, as a ratio against an empty module imported in the same run.
 *
 * A fresh Node process imports the function's `index.mjs` (with the environment its template
 * gives it, Secrets Manager stubbed on loopback, the runtime's SDK on `NODE_PATH`) and reports
 * `performance.now()` once the import has settled: milliseconds since the process began, so
 * Node's own start-up is in, and the parent's spawn cost is not. The same is measured for an
 * empty module with the same environment and options (`NODE_OPTIONS` included). Absolute times
 * swing by a factor of two on a shared 2-core machine; what a slow spell does to a function it
 * does to the empty module measured next to it, so each round pairs them, and the figures are
 * medians of the per-round ratio (function / empty) and overhead (function − empty).
 */

export interface InitTarget {
  name: string;
  /** The function's `index.mjs`. */
  file: string;
  /** Its environment, as its template gives it. */
  env: Record<string, string>;
}

export interface InitTime {
  name: string;
  rounds: number;
  /** Median of function / empty module, per round. */
  ratio: number;
  /** Median of function − empty module, per round, milliseconds. */
  overheadMs: number;
  /** Median milliseconds from process start to the import settled. */
  medianMs: number;
  /** The same for the empty module, over that function's rounds. */
  emptyMs: number;
}

async function timeToImported(file: string, env: Record<string, string>): Promise<number> {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now());`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });
  return Number(stdout.trim().split('\n').at(-1));
}

/**
 * `rounds` rounds; in each, every target and, right before it, the empty module, in an order
 * that rotates from round to round so no function always follows the same one.
 */
export async function measureInitTimes(
  targets: InitTarget[],
  rounds = 25,
  onProgress: (done: number) => void = () => {},
): Promise<InitTime[]> {
  const dir = mkdtempSync(join(tmpdir(), 'farewell-init-'));
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => undefined;\n');
  const stub = await startSecretsStub(STUB_SECRET);
  try {
    const samples = new Map(
      targets.map((t) => [t.name, { fn: [] as number[], empty: [] as number[] }]),
    );
    const envOf = (target: InitTarget) => ({ ...target.env, ...aws(stub.endpoint) });
    // One warm-up of each, uncounted: the first read of a file from disk is not a cold start.
    for (const target of targets) {
      await timeToImported(empty, envOf(target));
      await timeToImported(target.file, envOf(target));
    }
    for (let pass = 0; pass < rounds; pass += 1) {
      for (let i = 0; i < targets.length; i += 1) {
        const target = targets[(i + pass) % targets.length];
        if (!target) continue;
        const env = envOf(target);
        const base = await timeToImported(empty, env);
        const fn = await timeToImported(target.file, env);
        const entry = samples.get(target.name);
        entry?.empty.push(base);
        entry?.fn.push(fn);
      }
      onProgress(pass + 1);
    }
    return targets.map((target) => {
      const { fn, empty: base } = samples.get(target.name) ?? { fn: [], empty: [] };
      return {
        name: target.name,
        rounds,
        ratio: round(median(fn.map((ms, i) => ms / (base[i] ?? ms))), 3),
        overheadMs: round(median(fn.map((ms, i) => ms - (base[i] ?? ms)))),
        medianMs: round(median(fn)),
        emptyMs: round(median(base)),
      };
    });
  } finally {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How much a function's ratio may rise past its recorded one before `bench:check` fails. */
export const INIT_GROWTH = 0.15;

/**
 * The budget's verdict on measured init times: one line per function, and a failure for each
 * whose ratio rose more than `INIT_GROWTH` past the recorded one, or that has no record.
 */
export function checkInitTimes(
  times: InitTime[],
  recorded: Record<string, { ratio: number }> | undefined,
  bytes: Record<string, number> = {},
): { lines: string[]; failures: string[] } {
  const lines: string[] = [];
  const failures: string[] = [];
  for (const t of times) {
    const budget = recorded?.[t.name];
    if (!budget) {
      failures.push(`${t.name}: no recorded init time`);
      continue;
    }
    const limit = round(budget.ratio * (1 + INIT_GROWTH), 3);
    const ok = t.ratio <= limit;
    const size = bytes[t.name] === undefined ? '' : `; ${bytes[t.name]} bytes`;
    lines.push(
      `${ok ? 'ok  ' : 'FAIL'} ${t.name} init: ${t.ratio} × an empty module, ${t.overheadMs} ms over it (budget ${budget.ratio} ×, limit ${limit} ×${size})`,
    );
    if (!ok) failures.push(`${t.name} init time rose more than 15 % (${t.ratio} × > ${limit} ×)`);
  }
  return { lines, failures };
}
