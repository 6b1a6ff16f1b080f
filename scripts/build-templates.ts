/**
 * Compiles templates/emails into functions/rendering/generated/email-templates.ts (git-ignored).
 * Runs before `npm start`, `npm test`, `npm run typecheck` and `npm run preview`, and after
 * `npm ci`. Skips the work when the recorded fingerprint matches; `--force` rebuilds anyway.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import {
  GENERATED_MODULE,
  inputsHash,
  readTemplateSources,
  recordedHash,
} from './email-template-sources.js';

const started = performance.now();
const sources = readTemplateSources();
const target = relative(process.cwd(), GENERATED_MODULE);
const current = existsSync(GENERATED_MODULE) ? readFileSync(GENERATED_MODULE, 'utf8') : '';

if (!process.argv.includes('--force') && recordedHash(current) === inputsHash(sources)) {
  console.log(`Email templates are up to date (${target}).`);
} else {
  // Loaded only when there is work: the compiler and juice take a moment to load.
  const { compileEmailTemplates, TemplateBuildError } = await import(
    './email-template-compiler.js'
  );
  try {
    const compiled = compileEmailTemplates(sources);
    mkdirSync(dirname(GENERATED_MODULE), { recursive: true });
    // Write then rename, so a test or type-check running meanwhile never reads half a module.
    const temporary = `${GENERATED_MODULE}.${process.pid}.tmp`;
    writeFileSync(temporary, compiled.module);
    renameSync(temporary, GENERATED_MODULE);
    const ms = Math.round(performance.now() - started);
    console.log(`Compiled ${compiled.count} email templates into ${target} in ${ms} ms.`);
  } catch (error) {
    if (!(error instanceof TemplateBuildError)) throw error;
    console.error(`Email templates do not build: ${error.message}`);
    process.exit(1);
  }
}
