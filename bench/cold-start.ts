import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  aws,
  runtimeNodeModules,
  STUB_SECRET,
  startSecretsStub,
} from '../test/infra/support/import-bundle.js';
import { median, percentile, round } from './support/stats.js';

const run = promisify(execFile);

/**
 * Cold-start proxy: the time to import a function's code in a fresh Node process, as Lambda's
 * init does (module load, config, the secret read, clients built), measured inside the process,
 * so Node's own start-up is left out. The environment is the one its template gives it, with
 * Secrets Manager stubbed on loopback and the runtime's AWS SDK on `NODE_PATH`, as on Lambda (our
 * bundle carries its own; the `sdkBundled` variant, despite its name, is the one that requires
 * the runtime's). Runs alternate between the variants, so a slow spell of the machine hits each
 * alike. The budget's measure is `init-time.ts` (against an empty module).
 */

export interface ColdStartTarget {
  name: string;
  /** Our bundle: `index.mjs` in the asset CDK built. */
  bundle: string;
  sdkBundled: string;
  naive: string;
  nodeModules: string;
  env: Record<string, string>;
  /** On-demand files of the bundle, loaded with `require` at first use. */
  onDemand: string[];
}

export interface ColdStart {
  name: string;
  runs: number;
  /** Medians, milliseconds. */
  bundleMs: number;
  sdkBundledMs: number;
  naiveMs: number;
  nodeModulesMs: number;
  bundleP90Ms: number;
  /** Median time to `require` each on-demand file in a fresh process, milliseconds. */
  onDemandMs: Record<string, number>;
}

async function timeImport(file: string, env: Record<string, string>): Promise<number> {
  const script = `const started = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - started);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });
  return Number(stdout.trim().split('\n').at(-1));
}

async function timeRequire(file: string): Promise<number> {
  const script = `const started = performance.now(); require(${JSON.stringify(file)}); console.log(performance.now() - started);`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_PATH: runtimeNodeModules() },
    timeout: 30_000,
  });
  return Number(stdout.trim().split('\n').at(-1));
}

export async function measureColdStarts(
  targets: ColdStartTarget[],
  runs = 20,
  onDemandRuns = 5,
): Promise<ColdStart[]> {
  const stub = await startSecretsStub(STUB_SECRET);
  try {
    const results: ColdStart[] = [];
    for (const target of targets) {
      const env = { ...target.env, ...aws(stub.endpoint) };
      const times = {
        bundle: [] as number[],
        sdkBundled: [] as number[],
        naive: [] as number[],
        nodeModules: [] as number[],
      };
      for (let i = 0; i < runs; i += 1) {
        times.bundle.push(await timeImport(target.bundle, env));
        times.sdkBundled.push(await timeImport(target.sdkBundled, env));
        times.naive.push(await timeImport(target.naive, env));
        times.nodeModules.push(await timeImport(target.nodeModules, env));
      }
      const onDemandMs: Record<string, number> = {};
      for (const file of target.onDemand) {
        const samples: number[] = [];
        for (let i = 0; i < onDemandRuns; i += 1) samples.push(await timeRequire(file));
        onDemandMs[file.split('/').at(-1) ?? file] = round(median(samples));
      }
      results.push({
        name: target.name,
        runs,
        bundleMs: round(median(times.bundle)),
        sdkBundledMs: round(median(times.sdkBundled)),
        naiveMs: round(median(times.naive)),
        nodeModulesMs: round(median(times.nodeModules)),
        bundleP90Ms: round(percentile(times.bundle, 90)),
        onDemandMs,
      });
    }
    return results;
  } finally {
    await stub.stop();
  }
}
