import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { Exit, Step } from '../../functions/domain/exit.js';
import {
  EMAIL_NAMES,
  EMAIL_PARTS,
  loadEmailTemplates,
} from '../../functions/rendering/email-templates.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import {
  compileEmailTemplates,
  evaluateSpecs,
  TemplateBuildError,
} from '../../scripts/email-template-compiler.js';
import {
  GENERATED_MODULE,
  readTemplateSources,
  TEMPLATE_DIR,
} from '../../scripts/email-template-sources.js';
import { buildExit } from '../support/exit-fixture.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The templates with some files replaced, compiled in memory exactly as the build does. */
function rendererWith(changes: Record<string, string>): HandlebarsRenderer {
  const sources = new Map([...readTemplateSources(), ...Object.entries(changes)]);
  const templates = loadEmailTemplates(evaluateSpecs(compileEmailTemplates(sources).specs));
  return new HandlebarsRenderer({
    branding: { firmName: 'Acme Consulting', signature: 'Grace' },
    links: { publicUrl: 'https://farewell.example', keys: ['k'.repeat(32)] },
    clock: { now: () => new Date('2025-03-03T09:02:00.000Z') },
    templates,
  });
}

function step(exit: Exit, id: string): Step {
  const found = exit.steps[id];
  if (!found) throw new Error(`fixture has no step ${id}`);
  return found;
}

function compileWith(changes: Record<string, string>): () => unknown {
  return () =>
    compileEmailTemplates(new Map([...readTemplateSources(), ...Object.entries(changes)]));
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the template files', () => {
  // Unescaped output is for trusted markup only; no template needs any today.
  const ALLOWED_UNESCAPED: readonly string[] = [];

  it('use no triple-stash or {{& }} except on the whitelisted non-user values', () => {
    const files = filesUnder(TEMPLATE_DIR, /\.hbs$/);

    const unescaped = files.flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\}/g,
        ),
      ]
        .map((match) => match[1] ?? match[2] ?? '')
        .filter((name) => !ALLOWED_UNESCAPED.includes(name))
        .map((name) => `${relative(TEMPLATE_DIR, file)}: ${name}`),
    );

    expect(files.length).toBeGreaterThan(24);
    expect(unescaped).toEqual([]);
  });

  it('give every email a subject, preheader, HTML and text template', () => {
    const sources = readTemplateSources();

    const missing = EMAIL_NAMES.flatMap((name) =>
      EMAIL_PARTS.map((part) => `${name}.${part}.hbs`).filter((file) => !sources.has(file)),
    );

    expect(missing).toEqual([]);
  });
});

describe('the build', () => {
  it('has compiled the current templates into the generated module', () => {
    const expected = compileEmailTemplates(readTemplateSources()).module;

    const generated = readFileSync(GENERATED_MODULE, 'utf8');

    // Stale? `npm run build:templates` (it runs before start, test and typecheck).
    expect(generated).toBe(expected);
  });

  it('refuses a template with a triple-stash', () => {
    const build = compileWith({ 'survey.html.hbs': '<p>{{{client.name}}}</p>\n' });

    expect(build).toThrow(TemplateBuildError);
    expect(build).toThrow(/survey\.html: \{\{\{ \}\}\} and \{\{& \}\} are not allowed/);
  });

  it('refuses a helper Handlebars does not ship (knownHelpersOnly)', () => {
    const build = compileWith({ 'check-in.text.hbs': '{{shout client.name}}\n' });

    expect(build).toThrow(/check-in\.text: .*unknown helper shout/);
  });

  it('refuses an include of a partial that does not exist', () => {
    const build = compileWith({ 'gratitude.html.hbs': '{{> signature-block}}\n' });

    expect(build).toThrow(/missing template partials\/signature-block\.html\.hbs/);
  });

  it('refuses an include with arguments', () => {
    const build = compileWith({ 'gratitude.html.hbs': '{{> survey-button label="Go"}}\n' });

    expect(build).toThrow(/includes take no arguments/);
  });
});

describe('strict templates', () => {
  it('throw when the HTML uses a value the view does not provide', () => {
    const broken = rendererWith({
      'gratitude.html.hbs': '<p>Dear {{client.name}}, {{missingThing}}</p>\n',
    });
    const exit = buildExit();

    expect(() => broken.render(exit, step(exit, 'gratitude'))).toThrow(
      /"missingThing" not defined/,
    );
  });

  it('throw when an {{#if}} tests a value the view does not provide', () => {
    const broken = rendererWith({ 'survey.text.hbs': '{{#if client.nickname}}Hi{{/if}}\n' });
    const exit = buildExit();

    expect(() => broken.render(exit, step(exit, 'survey'))).toThrow(/"nickname" not defined/);
  });

  it('throw when an {{#each}} walks a list the view does not provide', () => {
    const broken = rendererWith({ 'check-in.html.hbs': '{{#each highlights}}{{this}}{{/each}}\n' });
    const exit = buildExit();

    expect(() => broken.render(exit, step(exit, 'check-in-1'))).toThrow(/"highlights" not defined/);
  });

  it('throw when a subject uses a value the view does not provide', () => {
    const broken = rendererWith({ 'notice-client.subject.hbs': 'Goodbye {{client.firstName}}\n' });
    const exit = buildExit({ initiatedBy: 'client' });

    expect(() => broken.render(exit, step(exit, 'notice'))).toThrow(/"firstName" not defined/);
  });

  it('still render the emails whose templates use only provided values', () => {
    const broken = rendererWith({ 'gratitude.html.hbs': '<p>{{missingThing}}</p>\n' });
    const exit = buildExit();

    const email = broken.render(exit, step(exit, 'notice'));

    expect(email.text).toContain('Dear Ada,');
  });
});

describe('the Lambda bundle', () => {
  it('carries the Handlebars runtime but neither the compiler nor juice', async () => {
    const result = await build({
      entryPoints: [join(root, 'functions/rendering/handlebars-renderer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('node_modules/handlebars/dist/cjs/handlebars.runtime.js');
    expect(inputs.filter((path) => /handlebars\/compiler\/|\/juice\/|cheerio/.test(path))).toEqual(
      [],
    );
  });

  it('has no function module importing the compiler or juice', () => {
    const files = filesUnder(join(root, 'functions'), /\.ts$/);

    const offenders = files.filter((file) =>
      /^import (?!type )[^;]*from '(handlebars|juice)'/m.test(readFileSync(file, 'utf8')),
    );

    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});
