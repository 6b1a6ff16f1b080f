import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { ESBUILD_TARGET, ESM_BANNER, MAIN_FIELDS, PROJECT_ROOT } from '../bundling.js';
import { HOLIDAY_ENGINE_FILE } from './date-holidays-shim.js';
import { holidayTableData, holidayYears } from './holiday-table-build.js';
import type { HolidayYears } from './holiday-table-codec.js';

/**
 * How a Farewell Lambda is bundled: one minified ESM `index.mjs` with source maps, and beside it
 * CommonJS files it loads only when first needed (`holidays-engine.cjs` in the functions that
 * plan steps, the templates in all that render). The CDK function construct runs this (through
 * `cli.ts`); the benchmark and the budget check call it directly, so all three see the same bytes.
 *
 * What makes the cold start short, each measured in `bench/` (init ms against an empty module,
 * `bench/init-time.ts`) and explained in the README:
 * - The AWS SDK v3 is bundled in, its ESM build tree-shaken with the rest: a third faster at init
 *   than `require`-ing the runtime's own copy (`/var/runtime/node_modules`) package by package,
 *   though the file is larger. `awsSdk: 'runtime'` builds the other way, for the benchmark.
 * - Each function imports only its part of the composition root (`functions/lambda/*.ts`), so
 *   the reconciler holds no SES client and no templates.
 * - `import { z } from 'zod'` is rewritten to `import * as z from 'zod'`: esbuild can drop the
 *   parts of a namespace import nobody reads (every locale, most of zod), but not of the
 *   re-exported `z` object.
 * - `date-holidays` is `date-holidays-shim.ts`: public holidays from a table built now, and the
 *   real library, on demand, for other years; in that library `moment-timezone` is
 *   `moment-timezone-shim.ts` (the platform's `Intl` time zones instead of 700 KB of zone data).
 * - The precompiled email and page templates (`ON_DEMAND_MODULES`) are files of their own, read
 *   at the first render: a send-step cold start parses no email it does not send.
 */

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const DATE_HOLIDAYS_SHIM = here('./date-holidays-shim.ts');
const HOLIDAY_TABLE_DATA = here('./holiday-table-data.ts');
const MOMENT_TIMEZONE_SHIM = here('./moment-timezone-shim.ts');
const HOLIDAY_ENGINE_ENTRY = here('./holidays-engine.ts');

/**
 * Modules bundled into a file of their own and loaded at first use, through a stand-in that
 * exports the same names: plain values (strings) are copied in, each record becomes an object
 * whose properties load the file when first read.
 */
export const ON_DEMAND_MODULES = [
  { source: 'functions/rendering/generated/email-templates.ts', file: 'email-templates.cjs' },
  { source: 'functions/rendering/generated/page-templates.ts', file: 'page-templates.cjs' },
] as const;

/** Packages the Lambda runtime provides. */
export const RUNTIME_PACKAGES = /^@(aws-sdk|smithy)\//;

export interface BundleFile {
  /** File name inside the bundle folder. */
  name: string;
  bytes: number;
  /** `init`: imported at cold start. `on-demand`: loaded only when first needed. */
  loaded: 'init' | 'on-demand';
}

export interface FunctionBundle {
  dir: string;
  /** The JavaScript files; each has its source map beside it (not counted). */
  files: BundleFile[];
  /** esbuild's record of what went into `index.mjs`. */
  metafile: esbuild.Metafile;
}

export interface BundleOptions {
  /** Years of the holiday table; the build year's window by default. */
  holidayYears?: HolidayYears;
  /**
   * `bundled` (what ships): the SDK inside `index.mjs`. `runtime`: the Lambda runtime's SDK,
   * loaded with `require` from `NODE_PATH`, for the benchmark's comparison.
   */
  awsSdk?: 'runtime' | 'bundled';
}

const shared: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: ESBUILD_TARGET,
  mainFields: MAIN_FIELDS,
  minify: true,
  sourcemap: true,
  // Maps point at files and lines; the sources themselves would triple the upload.
  sourcesContent: false,
  // Holiday and country names stay UTF-8 instead of growing into \u escapes.
  charset: 'utf8',
  absWorkingDir: PROJECT_ROOT,
  tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
  logLevel: 'error',
  metafile: true,
};

const runtimeSdk: esbuild.Plugin = {
  name: 'farewell-runtime-sdk',
  setup(build) {
    const namespace = 'farewell-runtime-sdk';
    build.onResolve({ filter: RUNTIME_PACKAGES }, (args) =>
      args.namespace === namespace
        ? { path: args.path, external: true }
        : { path: args.path, namespace },
    );
    build.onLoad({ filter: /.*/, namespace }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const NAMED_Z = /^import \{ z \} from 'zod';$/m;

const zodNamespaceImports: esbuild.Plugin = {
  name: 'farewell-zod-namespace',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!NAMED_Z.test(source)) return undefined;
      // Same line count, so source maps stay exact.
      return { contents: source.replace(NAMED_Z, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

function replaceModule(name: string, specifier: RegExp, path: string): esbuild.Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: specifier }, () => ({ path }));
    },
  };
}

function holidayTable(years: HolidayYears): esbuild.Plugin {
  return {
    name: 'farewell-holiday-table',
    setup(build) {
      build.onLoad({ filter: /holiday-table-data\.ts$/ }, (args) => {
        if (args.path !== HOLIDAY_TABLE_DATA) return undefined;
        const table = { first: years.first, last: years.last, data: holidayTableData(years) };
        return { contents: `export const HOLIDAY_TABLE = ${JSON.stringify(table)};`, loader: 'ts' };
      });
    },
  };
}

async function standIn(source: string, file: string): Promise<string> {
  const exported = (await import(pathToFileURL(join(PROJECT_ROOT, source)).href)) as Record<
    string,
    unknown
  >;
  const lines = [
    "import { createRequire } from 'node:module';",
    'let loaded;',
    `const load = () => (loaded ??= createRequire(import.meta.url)(${JSON.stringify(`./${file}`)}));`,
  ];
  for (const [name, value] of Object.entries(exported)) {
    if (typeof value === 'function') {
      lines.push(`export function ${name}(...args) { return load().${name}(...args); }`);
    } else if (typeof value === 'object' && value !== null) {
      const keys = JSON.stringify(Object.keys(value));
      lines.push(
        `export const ${name} = Object.defineProperties({}, Object.fromEntries(${keys}.map((key) => [key, { enumerable: true, get: () => load().${name}[key] }])));`,
      );
    } else {
      lines.push(`export const ${name} = ${JSON.stringify(value)};`);
    }
  }
  return lines.join('\n');
}

const onDemandModules: esbuild.Plugin = {
  name: 'farewell-on-demand',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const module = ON_DEMAND_MODULES.find((m) => args.path === join(PROJECT_ROOT, m.source));
      if (!module) return undefined;
      return { contents: await standIn(module.source, module.file), loader: 'js' };
    });
  },
};

/**
 * Writes the holiday library as the bundle loads it on demand (CommonJS, so the bundle can
 * `require` it synchronously): date-holidays with `moment-timezone-shim.ts` for moment-timezone.
 */
export async function buildHolidayEngine(outfile: string): Promise<void> {
  await esbuild.build({
    ...shared,
    entryPoints: [HOLIDAY_ENGINE_ENTRY],
    outfile,
    format: 'cjs',
    plugins: [replaceModule('farewell-moment-timezone', /^moment-timezone$/, MOMENT_TIMEZONE_SHIM)],
  });
}

/**
 * Bundles an entry (a `functions/lambda/<name>.ts` path; tests also bundle single modules) into
 * `outdir`, replacing it.
 */
export async function bundleFunction(
  entry: string,
  outdir: string,
  options: BundleOptions = {},
): Promise<FunctionBundle> {
  await rm(outdir, { recursive: true, force: true });
  const main = await esbuild.build({
    ...shared,
    entryPoints: [entry],
    outfile: join(outdir, 'index.mjs'),
    format: 'esm',
    banner: { js: ESM_BANNER },
    plugins: [
      ...(options.awsSdk === 'runtime' ? [runtimeSdk] : []),
      onDemandModules,
      zodNamespaceImports,
      replaceModule('farewell-date-holidays', /^date-holidays$/, DATE_HOLIDAYS_SHIM),
      holidayTable(options.holidayYears ?? holidayYears()),
    ],
  });
  const { metafile } = main;
  if (!metafile) throw new Error('esbuild wrote no metafile');
  const files: BundleFile[] = [{ name: 'index.mjs', bytes: 0, loaded: 'init' }];
  const usesHolidays = Object.keys(metafile.inputs).some((input) =>
    input.endsWith('date-holidays-shim.ts'),
  );
  if (usesHolidays) {
    await buildHolidayEngine(join(outdir, HOLIDAY_ENGINE_FILE));
    files.push({ name: HOLIDAY_ENGINE_FILE, bytes: 0, loaded: 'on-demand' });
  }
  for (const module of ON_DEMAND_MODULES) {
    if (!(module.source in metafile.inputs)) continue;
    await esbuild.build({
      ...shared,
      entryPoints: [join(PROJECT_ROOT, module.source)],
      outfile: join(outdir, module.file),
      format: 'cjs',
    });
    files.push({ name: module.file, bytes: 0, loaded: 'on-demand' });
  }
  for (const file of files) file.bytes = (await stat(join(outdir, file.name))).size;
  return { dir: outdir, files, metafile };
}
