import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readTemplateSources, type TemplateSources } from './email-template-sources.js';

export const PAGE_TEMPLATE_DIR = fileURLToPath(new URL('../templates/pages/', import.meta.url));
export const PAGE_MODULE = fileURLToPath(
  new URL('../functions/rendering/generated/page-templates.ts', import.meta.url),
);
export const STYLESHEET = 'app.css';
/** The console's styles, appended to the one stylesheet. */
export const CONSOLE_STYLESHEET = 'console.css';
/** The console's one script (fills the time zone from the browser), served from our origin. */
export const CONSOLE_SCRIPT = 'console.js';

/** The page templates and, under their file names, the stylesheets and the console script. */
export function readPageSources(dir: string = PAGE_TEMPLATE_DIR): Map<string, string> {
  const sources = readTemplateSources(dir);
  for (const file of [STYLESHEET, CONSOLE_STYLESHEET, CONSOLE_SCRIPT]) {
    sources.set(file, readFileSync(`${dir}${file}`, 'utf8'));
  }
  return sources;
}

const require = createRequire(import.meta.url);

/** Fingerprint of everything the page module depends on, so an up-to-date build is skipped. */
export function pageInputsHash(sources: TemplateSources): string {
  const hash = createHash('sha256');
  for (const [path, source] of sources) hash.update(`${path}\0${source}\0`);
  for (const script of ['./page-template-compiler.ts', './email-template-compiler.ts']) {
    hash.update(readFileSync(new URL(script, import.meta.url)));
  }
  hash.update(`handlebars@${(require('handlebars/package.json') as { version: string }).version}`);
  return hash.digest('hex');
}
