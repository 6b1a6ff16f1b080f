/**
 * Compiles templates/emails into functions/rendering/generated/email-templates.ts and
 * templates/pages into functions/rendering/generated/page-templates.ts (both git-ignored).
 * Runs before `npm start`, `npm test`, `npm run typecheck` and `npm run preview`, and after
 * `npm ci`. Skips a module whose recorded fingerprint matches; `--force` rebuilds anyway.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import {
  GENERATED_MODULE,
  inputsHash,
  readTemplateSources,
  recordedHash,
} from './email-template-sources.js';
import { PAGE_MODULE, pageInputsHash, readPageSources } from './page-template-sources.js';

interface Target {
  what: string;
  module: string;
  hash: () => string;
  /** Loaded only when there is work: the compiler and juice take a moment to load. */
  compile: () => Promise<{ module: string; count: number }>;
}

const emailSources = readTemplateSources();
const pageSources = readPageSources();
const targets: Target[] = [
  {
    what: 'email templates',
    module: GENERATED_MODULE,
    hash: () => inputsHash(emailSources),
    compile: async () =>
      (await import('./email-template-compiler.js')).compileEmailTemplates(emailSources),
  },
  {
    what: 'page templates',
    module: PAGE_MODULE,
    hash: () => pageInputsHash(pageSources),
    compile: async () =>
      (await import('./page-template-compiler.js')).compilePageTemplates(pageSources),
  },
];

for (const target of targets) {
  const started = performance.now();
  const path = relative(process.cwd(), target.module);
  const current = existsSync(target.module) ? readFileSync(target.module, 'utf8') : '';
  if (!process.argv.includes('--force') && recordedHash(current) === target.hash()) {
    console.log(`The ${target.what} are up to date (${path}).`);
    continue;
  }
  const { TemplateBuildError } = await import('./email-template-compiler.js');
  try {
    const compiled = await target.compile();
    mkdirSync(dirname(target.module), { recursive: true });
    // Write then rename, so a test or type-check running meanwhile never reads half a module.
    const temporary = `${target.module}.${process.pid}.tmp`;
    writeFileSync(temporary, compiled.module);
    renameSync(temporary, target.module);
    const ms = Math.round(performance.now() - started);
    console.log(`Compiled ${compiled.count} ${target.what} into ${path} in ${ms} ms.`);
  } catch (error) {
    if (!(error instanceof TemplateBuildError)) throw error;
    console.error(`The ${target.what} do not build: ${error.message}`);
    process.exit(1);
  }
}
