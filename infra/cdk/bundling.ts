import { fileURLToPath } from 'node:url';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every Farewell function is bundled. One place, shared by the function construct and the
 * test that imports each bundle in a fresh Node process, so the two cannot drift apart.
 */

/** The repository root: entries, the lock file and tsconfig live there. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The newest Node.js runtime this aws-cdk-lib knows; the esbuild target follows it. */
export const RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';

/**
 * ESM output still meets CommonJS dependencies that call `require` (Handlebars, date-holidays'
 * data): a `require` made for the module keeps them working. The alias avoids clashing with any
 * `createRequire` the bundle itself imports.
 */
export const ESM_BANNER =
  "import { createRequire as __farewellCreateRequire } from 'node:module'; const require = __farewellCreateRequire(import.meta.url);";

/** Prefer each package's ESM build. */
export const MAIN_FIELDS = ['module', 'main'];

export const BUNDLING = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: MAIN_FIELDS,
  banner: ESM_BANNER,
  minify: true,
  sourceMap: true,
  // Maps point at files and lines; the sources themselves would triple the upload.
  sourcesContent: false,
  // The SDK version we test with goes into the bundle, not whatever the runtime carries.
  bundleAwsSDK: true,
  logLevel: LogLevel.ERROR,
  // No Docker here or in CI: esbuild from node_modules does the bundling.
  forceDockerBundling: false,
} as const;

/** The Lambda entry of a function, by its file name under `functions/lambda/`. */
export function entryPath(name: string): string {
  return fileURLToPath(new URL(`../../functions/lambda/${name}.ts`, import.meta.url));
}
