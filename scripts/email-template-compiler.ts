import Handlebars from 'handlebars';
import juice from 'juice';
import {
  EMAIL_NAMES,
  EMAIL_PARTS,
  type EmailName,
  type EmailPart,
  type PrecompiledEmails,
} from '../functions/rendering/email-templates.js';
import { inputsHash, type TemplateSources } from './email-template-sources.js';

/**
 * Build-time half of the email templates. For each email and part:
 *
 * 1. assemble: the layout with the email's body in its `{{> body}}` slot, and every other
 *    `{{> name}}` replaced by `partials/name.{html,text}.hbs`. Partials are includes, resolved
 *    here, so the Lambda needs no partial registry and juice sees whole documents;
 * 2. HTML only: inline the layout's `<style>` into the elements with juice, keeping the
 *    `@media` blocks (phone widths, dark mode) in the head;
 * 3. make every value lookup strict, including `{{#if x}}` and `{{#each x}}` arguments, which
 *    Handlebars' `strict` alone lets through as undefined; then precompile with `strict` and
 *    `knownHelpersOnly`, escaping only the HTML part.
 */

export class TemplateBuildError extends Error {
  override name = 'TemplateBuildError';
}

export const COMPILE_OPTIONS = { strict: true, knownHelpersOnly: true } as const;
const INCLUDE = /\{\{>\s*([^}]*?)\s*\}\}/g;

function read(sources: TemplateSources, path: string): string {
  const source = sources.get(path);
  if (source === undefined) throw new TemplateBuildError(`missing template ${path}`);
  return source;
}

/** Resolves `{{> name}}` includes (and the layout's `{{> body}}` slot) from `partials/`. */
export function expandIncludes(
  source: string,
  kind: 'html' | 'text',
  sources: TemplateSources,
  body: string,
  trail: readonly string[],
): string {
  return source.replace(INCLUDE, (_, name: string) => {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new TemplateBuildError(`{{> ${name}}} in ${trail.at(-1)}: includes take no arguments`);
    }
    const path = name === 'body' ? `(body of ${trail[1]})` : `partials/${name}.${kind}.hbs`;
    if (trail.includes(path)) throw new TemplateBuildError(`include cycle: ${[...trail, path]}`);
    const included = name === 'body' ? body : read(sources, path);
    return expandIncludes(included.replace(/\r?\n$/, ''), kind, sources, body, [...trail, path]);
  });
}

/** The full source of one part of one email, before CSS inlining. */
export function assemble(sources: TemplateSources, name: EmailName, part: EmailPart): string {
  const own = read(sources, `${name}.${part}.hbs`);
  if (part === 'subject' || part === 'preheader') {
    return expandIncludes(own, 'text', sources, '', [`${name}.${part}.hbs`]);
  }
  const layout = `layout.${part}.hbs`;
  return expandIncludes(read(sources, layout), part, sources, own, [layout, `${name}.${part}.hbs`]);
}

/** Inlines the layout CSS into the elements, keeping the `@media` rules in a `<style>`. */
export function inlineCss(html: string): string {
  return juice(html, {
    preserveMediaQueries: true,
    removeStyleTags: true,
    applyWidthAttributes: false,
    applyHeightAttributes: false,
    applyAttributesTableElements: false,
  });
}

type Node = { type?: unknown; [key: string]: unknown };

/** Walks the AST: every path lookup becomes strict; unescaped output is refused. */
export function harden(node: unknown, where: string): void {
  if (Array.isArray(node)) {
    for (const child of node) harden(child, where);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const current = node as Node;
  if (current.type === 'PathExpression') current.strict = true;
  if (current.type === 'MustacheStatement' && current.escaped === false) {
    throw new TemplateBuildError(`${where}: {{{ }}} and {{& }} are not allowed in templates`);
  }
  if (current.type === 'PartialStatement' || current.type === 'PartialBlockStatement') {
    throw new TemplateBuildError(`${where}: a partial was left unresolved`);
  }
  for (const [key, value] of Object.entries(current)) {
    if (key !== 'loc') harden(value, where);
  }
}

/** Precompiles one assembled part; returns the spec as JavaScript source. */
export function precompilePart(source: string, part: EmailPart, where: string): string {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parseWithoutProcessing(part === 'html' ? inlineCss(source) : source);
  } catch (error) {
    throw new TemplateBuildError(`${where}: ${(error as Error).message}`, { cause: error });
  }
  harden(ast, where);
  try {
    // `precompile` types its result as a spec object; it is the spec's JavaScript source.
    return String(Handlebars.precompile(ast, { ...COMPILE_OPTIONS, noEscape: part !== 'html' }));
  } catch (error) {
    throw new TemplateBuildError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

export interface CompiledTemplates {
  /** Spec source per email and part. */
  specs: Record<EmailName, Record<EmailPart, string>>;
  /** The generated TypeScript module. */
  module: string;
  count: number;
}

export function compileEmailTemplates(sources: TemplateSources): CompiledTemplates {
  const specs = {} as Record<EmailName, Record<EmailPart, string>>;
  for (const name of EMAIL_NAMES) {
    const parts = {} as Record<EmailPart, string>;
    for (const part of EMAIL_PARTS) {
      parts[part] = precompilePart(assemble(sources, name, part), part, `${name}.${part}`);
    }
    specs[name] = parts;
  }
  const body = EMAIL_NAMES.map(
    (name) =>
      `  '${name}': {\n${EMAIL_PARTS.map((part) => `    ${part}: ${specs[name][part]},\n`).join('')}  },\n`,
  ).join('');
  const module = [
    '// @ts-nocheck: precompiled Handlebars code, typed by the annotation below.',
    '// Generated by scripts/build-templates.ts from templates/emails/. Do not edit:',
    '// `npm run build:templates` rewrites it (and runs before start, test and typecheck).',
    `// inputs: sha256 ${inputsHash(sources)}`,
    "import type { PrecompiledEmails } from '../email-templates.js';",
    '',
    `export const precompiledEmails: PrecompiledEmails = {\n${body}};`,
    '',
  ].join('\n');
  return { specs, module, count: EMAIL_NAMES.length * EMAIL_PARTS.length };
}

/** Spec sources as values, for tests that compile templates in memory. */
export function evaluateSpecs(specs: CompiledTemplates['specs']): PrecompiledEmails {
  const values = {} as PrecompiledEmails;
  for (const name of EMAIL_NAMES) {
    const parts = {} as PrecompiledEmails[EmailName];
    for (const part of EMAIL_PARTS) {
      // The spec is code Handlebars generated from our own templates, as in the generated module.
      parts[part] = new Function(
        `return ${specs[name][part]};`,
      )() as PrecompiledEmails[EmailName][EmailPart];
    }
    values[name] = parts;
  }
  return values;
}
