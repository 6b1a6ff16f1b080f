import Handlebars from 'handlebars';
import {
  EMAIL_NAMES,
  EMAIL_PARTS,
  type EmailTemplates,
  loadEmailTemplates,
} from '../functions/rendering/email-templates.js';
import { precompiledEmails } from '../functions/rendering/generated/email-templates.js';
import { HandlebarsRenderer } from '../functions/rendering/handlebars-renderer.js';
import { previewCases } from '../functions/rendering/preview-samples.js';
import {
  assemble,
  COMPILE_OPTIONS,
  harden,
  inlineCss,
} from '../scripts/email-template-compiler.js';
import { readTemplateSources } from '../scripts/email-template-sources.js';
import { median, round } from './support/stats.js';

/**
 * Time per email: the six emails with the preview's sample data, rendered through the real
 * renderer with the templates precompiled at build time (what the Lambda does), against the same
 * templates compiled at run time with `Handlebars.compile`. Both start from the same sources
 * (assembled and CSS-inlined by the build's own functions, outside the timing); the outputs are
 * checked to be identical.
 *
 * - first render: fresh templates (instantiated from the precompiled specs, or compiled), then
 *   each email once, per email: the template cost a cold start pays. Measured with the rendering
 *   code itself already warm, so the difference is the templates'.
 * - per email: templates ready, each email rendered many times: a warm function.
 */

export interface Rendering {
  emails: number;
  precompiled: { firstRenderMs: number; perEmailUs: number };
  compiledAtRunTime: { firstRenderMs: number; perEmailUs: number };
}

type Sources = {
  name: (typeof EMAIL_NAMES)[number];
  part: (typeof EMAIL_PARTS)[number];
  source: string;
}[];

function prepareSources(): Sources {
  const sources = readTemplateSources();
  return EMAIL_NAMES.flatMap((name) =>
    EMAIL_PARTS.map((part) => {
      const assembled = assemble(sources, name, part);
      return { name, part, source: part === 'html' ? inlineCss(assembled) : assembled };
    }),
  );
}

function compileAtRunTime(sources: Sources): EmailTemplates {
  const env = Handlebars.create();
  const templates: Record<string, Record<string, (view: unknown) => string>> = {};
  for (const { name, part, source } of sources) {
    const ast = env.parseWithoutProcessing(source);
    harden(ast, `${name}.${part}`);
    const template = env.compile(ast, { ...COMPILE_OPTIONS, noEscape: part !== 'html' });
    templates[name] = { ...templates[name], [part]: (view: unknown) => template(view) };
  }
  return templates as unknown as EmailTemplates;
}

export function measureRendering(batches = 20, rounds = 50): Rendering {
  const now = new Date();
  const cases = previewCases(now);
  const options = {
    branding: { firmName: 'Northwind Consulting', signature: 'Sam Rivera, Northwind Consulting' },
    links: { publicUrl: 'https://farewell.example', keys: ['k'.repeat(64)] },
    clock: { now: () => now },
  };
  const sources = prepareSources();
  const renderAll = (renderer: HandlebarsRenderer) =>
    cases.map(({ exit, step }) => renderer.render(exit, step));
  const variants = {
    precompiled: () =>
      new HandlebarsRenderer({ ...options, templates: loadEmailTemplates(precompiledEmails) }),
    compiledAtRunTime: () =>
      new HandlebarsRenderer({ ...options, templates: compileAtRunTime(sources) }),
  };
  const ready = {
    precompiled: variants.precompiled(),
    compiledAtRunTime: variants.compiledAtRunTime(),
  };
  if (
    JSON.stringify(renderAll(ready.precompiled)) !==
    JSON.stringify(renderAll(ready.compiledAtRunTime))
  ) {
    throw new Error('Templates compiled at run time render differently from the precompiled ones');
  }
  // Warm the JIT on both, so neither pays for the other's first runs.
  for (let i = 0; i < 100; i += 1) {
    renderAll(ready.precompiled);
    renderAll(ready.compiledAtRunTime);
  }

  const samples = {
    precompiled: { first: [] as number[], each: [] as number[] },
    compiledAtRunTime: { first: [] as number[], each: [] as number[] },
  };
  for (let batch = 0; batch < batches; batch += 1) {
    for (const name of ['precompiled', 'compiledAtRunTime'] as const) {
      let started = performance.now();
      renderAll(variants[name]());
      samples[name].first.push((performance.now() - started) / cases.length);
      started = performance.now();
      for (let i = 0; i < rounds; i += 1) renderAll(ready[name]);
      samples[name].each.push(((performance.now() - started) * 1000) / rounds / cases.length);
    }
  }
  const summary = (name: keyof typeof samples) => ({
    firstRenderMs: round(median(samples[name].first), 2),
    perEmailUs: round(median(samples[name].each), 0),
  });
  return {
    emails: cases.length,
    precompiled: summary('precompiled'),
    compiledAtRunTime: summary('compiledAtRunTime'),
  };
}
