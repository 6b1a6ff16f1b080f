import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { bundleFunction } from '../infra/cdk/bundle/build.js';
import { ESBUILD_TARGET, entryPath, PROJECT_ROOT } from '../infra/cdk/bundling.js';

/**
 * The baselines each function is measured against, built fresh in every run:
 * - naive: the same handler bundled the way a first attempt would, unminified, every package
 *   inside (the whole AWS SDK), packages' default (CommonJS) builds, no help for tree shaking.
 *   ESM rather than CommonJS only because the entries use top-level await, which CommonJS cannot
 *   express.
 * - node_modules: our own code in one file and every package, the SDK included, loaded from
 *   node_modules at import, as an unbundled deployment would.
 * - runtime SDK: our bundle, but with the Lambda runtime's AWS SDK (`require`d from `NODE_PATH`)
 *   instead of the one inside: smaller, slower at init, kept beside ours so the difference stays
 *   visible. (`sdkBundled` keeps its name in the results for comparison across runs.)
 *
 * They live under node_modules/.cache so the second resolves packages from this project.
 */
export const BASELINE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'farewell', 'bench');

export interface Baseline {
  file: string;
  bytes: number;
}

export async function naiveBundle(name: string): Promise<Baseline> {
  const file = join(BASELINE_DIR, 'naive', name, 'index.mjs');
  await rm(join(BASELINE_DIR, 'naive', name), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [entryPath(name)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    // CommonJS packages inside an ESM file call `require`.
    banner: {
      js: "import { createRequire as __naiveCreateRequire } from 'node:module'; const require = __naiveCreateRequire(import.meta.url);",
    },
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'error',
  });
  return { file, bytes: (await stat(file)).size };
}

export async function nodeModulesBuild(name: string): Promise<Baseline> {
  const file = join(BASELINE_DIR, 'node-modules', name, 'index.mjs');
  await rm(join(BASELINE_DIR, 'node-modules', name), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [entryPath(name)],
    outfile: file,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'error',
  });
  return { file, bytes: (await stat(file)).size };
}

export async function sdkBundled(name: string): Promise<Baseline> {
  const bundle = await bundleFunction(entryPath(name), join(BASELINE_DIR, 'sdk-bundled', name), {
    awsSdk: 'runtime',
  });
  const init = bundle.files.find((file) => file.loaded === 'init');
  return { file: join(bundle.dir, 'index.mjs'), bytes: init?.bytes ?? 0 };
}
