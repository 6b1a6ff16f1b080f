import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Template files by path relative to `templates/emails/`, with `/` separators. */
export type TemplateSources = ReadonlyMap<string, string>;

export const TEMPLATE_DIR = fileURLToPath(new URL('../templates/emails/', import.meta.url));
export const GENERATED_MODULE = fileURLToPath(
  new URL('../functions/rendering/generated/email-templates.ts', import.meta.url),
);

export function readTemplateSources(dir: string = TEMPLATE_DIR): Map<string, string> {
  const sources = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.hbs')) continue;
    const path = join(entry.parentPath, entry.name);
    sources.set(relative(dir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
  }
  return new Map([...sources].sort(([a], [b]) => a.localeCompare(b)));
}

const require = createRequire(import.meta.url);

/**
 * A fingerprint of everything the generated module depends on: the templates, the compiler
 * script and the versions of Handlebars and juice. Cheap, so `prestart` can skip an up-to-date
 * build without loading the compiler.
 */
export function inputsHash(sources: TemplateSources): string {
  const hash = createHash('sha256');
  for (const [path, source] of sources) hash.update(`${path}\0${source}\0`);
  hash.update(readFileSync(new URL('./email-template-compiler.ts', import.meta.url)));
  for (const name of ['handlebars', 'juice']) {
    hash.update(`${name}@${(require(`${name}/package.json`) as { version: string }).version}\0`);
  }
  return hash.digest('hex');
}

/** The fingerprint recorded in a generated module, if any. */
export function recordedHash(moduleSource: string): string | undefined {
  return /^\/\/ inputs: sha256 ([0-9a-f]{64})$/m.exec(moduleSource)?.[1];
}
