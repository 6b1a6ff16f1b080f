import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AssetHashType } from 'aws-cdk-lib';
import { Code, Runtime, RuntimeManagementMode } from 'aws-cdk-lib/aws-lambda';

/**
 * How every Farewell function is bundled. One place, shared by the function construct, the test
 * that imports each bundle in a fresh Node process, and the benchmark, so they cannot drift apart.
 * The esbuild settings themselves live in `bundle/build.ts`.
 */

/** The repository root: entries, the lock file and tsconfig live there. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The newest Node.js runtime this aws-cdk-lib knows; the esbuild target follows it. The functions
 * carry their own AWS SDK v3 (faster at init than the runtime's; see the README's Performance
 * section).
 */
export const RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';

/**
 * When Lambda may change the runtime under a function. Not AUTO (Lambda's default), which rolls a
 * new runtime version onto a deployed function at a time nobody chose, with no deploy to roll
 * back. FUNCTION_UPDATE takes the newest runtime version with each deploy only, so a patch ships
 * with a deploy that ran `npm test` and can be rolled back with it, and still arrives: a team that
 * deploys stays patched, which MANUAL on its own does not. MANUAL pins one exact version (the
 * stage's `runtimeVersionArn`, shown in each function's runtime settings), for the rare patch that
 * breaks something: pin the version before it until the fix, then unset it.
 */
export function runtimeManagement(versionArn: string | undefined): RuntimeManagementMode {
  return versionArn
    ? RuntimeManagementMode.manual(versionArn)
    : RuntimeManagementMode.FUNCTION_UPDATE;
}

/**
 * ESM output still meets CommonJS code that calls `require` (Handlebars, the on-demand files):
 * a `require` made for the module keeps it working. The alias avoids clashing with any
 * `createRequire` the bundle itself imports.
 */
export const ESM_BANNER =
  "import { createRequire as __farewellCreateRequire } from 'node:module'; const require = __farewellCreateRequire(import.meta.url);";

/** Prefer each package's ESM build. */
export const MAIN_FIELDS = ['module', 'main'];

/** The Lambda entry of a function, by its file name under `functions/lambda/`. */
export function entryPath(name: string): string {
  return fileURLToPath(new URL(`../../functions/lambda/${name}.ts`, import.meta.url));
}

const BUNDLER_CLI = fileURLToPath(new URL('./bundle/cli.ts', import.meta.url));

/**
 * The code asset of a function: `bundle/build.ts` run locally (no Docker here or in CI), in a
 * child process because CDK bundles synchronously. Hashed by its output, like NodejsFunction.
 */
export function functionCode(name: string): Code {
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling either succeeds or throws.
      image: RUNTIME.bundlingImage,
      // Also keys CDK's asset cache, which ignores the functions below: one entry per function.
      command: ['bundle-function', name],
      local: {
        tryBundle(outputDir) {
          const result = spawnSync(
            process.execPath,
            ['--import', 'tsx', BUNDLER_CLI, entryPath(name), outputDir],
            { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
          );
          if (result.status !== 0) {
            throw new Error(`Bundling ${name} failed (exit ${result.status ?? result.signal})`);
          }
          return true;
        },
      },
    },
  });
}
