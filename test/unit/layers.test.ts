/**
 * The layer rule, read from the import statements of every file under `functions/`:
 * the domain reaches nothing outward, handlers never reach the SDK adapters, rendering knows
 * neither HTTP handlers nor config, and no files import each other in a loop.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Layer =
  | 'domain'
  | 'use-cases'
  | 'adapters'
  | 'rendering'
  | 'handlers'
  | 'lambda'
  | 'roots'
  | 'config'
  | 'outside';

/** What each layer may not import. Anything not named here is allowed. */
const FORBIDDEN: Partial<Record<Layer, Layer[]>> = {
  domain: ['use-cases', 'adapters', 'rendering', 'handlers', 'lambda', 'roots', 'config'],
  'use-cases': ['adapters', 'rendering', 'handlers', 'lambda', 'roots', 'config'],
  adapters: ['use-cases', 'handlers', 'rendering', 'lambda', 'roots'],
  handlers: ['adapters', 'lambda', 'roots'],
  rendering: ['handlers', 'lambda', 'roots', 'config'],
};

/** Packages only adapters (and the roots that build them) may import: SDK calls live there. */
const SDK = /^@aws-sdk\//;
const SDK_FREE: Layer[] = ['domain', 'use-cases', 'handlers', 'rendering'];

/** The composition root and its parts (`shared-root.ts`, one `<function>-root.ts` per Lambda). */
const ROOTS = ['composition-root.ts', 'console-root.ts', 'client-pages-root.ts'];
const isRoot = (file: string) => ROOTS.includes(file) || file.endsWith('-root.ts');

/** The layer of a repository path such as `functions/domain/plan.ts`. */
function layerOf(path: string): Layer {
  const [top, second, third] = path.split('/');
  if (top === 'config') return 'config';
  if (top !== 'functions' || !second) return 'outside';
  if (second === 'config.ts') return 'config';
  if (isRoot(second)) return 'roots';
  if (second === 'domain' && third === 'use-cases') return 'use-cases';
  if (['domain', 'adapters', 'rendering', 'handlers', 'lambda'].includes(second)) {
    return second as Layer;
  }
  return 'outside';
}

const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?[\w\s{},*$]*?\bfrom\s*['"]([^'"\n]+)['"]/gm;
const BARE = /^\s*import\s*['"]([^'"\n]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** Every module specifier a file imports or re-exports (static, side-effect or dynamic). */
function specifiersOf(source: string): string[] {
  return [STATIC, BARE, DYNAMIC].flatMap((pattern) =>
    [...source.matchAll(pattern)].map((match) => match[1] ?? ''),
  );
}

/** A relative specifier as the repository path of its `.ts` file; packages stay as they are. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts');
}

interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** Imports that break the layer rule, for files given as repository path → source. */
function layerViolations(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, source] of files) {
    const layer = layerOf(file);
    for (const specifier of specifiersOf(source)) {
      const target = resolve(file, specifier);
      if (target === specifier) {
        if (SDK_FREE.includes(layer) && SDK.test(specifier)) {
          found.push({ file, imports: specifier, rule: `${layer} makes no SDK call` });
        }
        continue;
      }
      const reached = layerOf(target);
      if (FORBIDDEN[layer]?.includes(reached)) {
        found.push({ file, imports: target, rule: `${layer} may not import ${reached}` });
      }
    }
  }
  return found;
}

/** Every import cycle among the given files, each as the loop of paths that closes it. */
function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const edges = new Map<string, string[]>();
  for (const [file, source] of files) {
    const targets = specifiersOf(source)
      .map((specifier) => resolve(file, specifier))
      .filter((target) => files.has(target));
    edges.set(file, [...new Set(targets)]);
  }
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string) => {
    if (onPath.has(file)) {
      cycles.push([...path.slice(path.indexOf(file)), file]);
      return;
    }
    if (done.has(file)) return;
    onPath.add(file);
    path.push(file);
    for (const target of edges.get(file) ?? []) visit(target);
    path.pop();
    onPath.delete(file);
    done.add(file);
  };
  for (const file of [...files.keys()].sort()) visit(file);
  return cycles;
}

function sourcesUnder(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(ROOT, directory), {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const absolute = join(entry.parentPath, entry.name);
    const path = relative(ROOT, absolute).split('\\').join('/');
    files.set(path, readFileSync(absolute, 'utf8'));
  }
  return files;
}

describe('the layers of functions/', () => {
  const files = sourcesUnder('functions');

  it('reads every source file and its imports', () => {
    expect(files.size).toBeGreaterThan(100);
    const imports = [...files.values()].flatMap(specifiersOf);
    expect(imports.length).toBeGreaterThan(files.size);
  });

  it('keep to the layer rule', () => {
    expect(layerViolations(files)).toEqual([]);
  });

  it('hold no import cycle', () => {
    expect(importCycles(files)).toEqual([]);
  });
});

describe('the layer check', () => {
  const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('finds static, re-exported, side-effect and dynamic imports over several lines', () => {
    const source = [
      "import type { A } from './a.js';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../b.js';",
      "export { d } from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      " * import { g } from './g.js' (in a comment: not an import)",
      "const h = Array.from('h');",
    ].join('\n');
    expect(specifiersOf(source).sort()).toEqual(
      ['./a.js', '../b.js', './d.js', './e.js', './f.js'].sort(),
    );
  });

  it('fails the domain that imports an adapter, rendering, a handler or config', () => {
    const violations = layerViolations(
      tree({
        'functions/domain/use-cases/x.ts': [
          "import { DynamoExitStore } from '../../adapters/dynamo-exit-store.js';",
          "import type { PageViews } from '../../rendering/page-views.js';",
          "import { problem } from '../../handlers/http/responses.js';",
          "import type { Config } from '../../config.js';",
          "import { sequence } from '../../../config/sequence.js';",
          "import { planExit } from '../plan.js';",
        ].join('\n'),
      }),
    );
    expect(violations.map((v) => v.rule)).toEqual([
      'use-cases may not import adapters',
      'use-cases may not import rendering',
      'use-cases may not import handlers',
      'use-cases may not import config',
      'use-cases may not import config',
    ]);
  });

  it('fails an adapter that imports a use case, and the domain that imports one', () => {
    const violations = layerViolations(
      tree({
        'functions/adapters/x.ts':
          "import { UNSUBSCRIBED } from '../domain/use-cases/unsubscribe.js';",
        'functions/domain/y.ts': "import { startExit } from './use-cases/start-exit.js';",
      }),
    );
    expect(violations.map((v) => v.rule)).toEqual([
      'adapters may not import use-cases',
      'domain may not import use-cases',
    ]);
  });

  it('fails a handler that imports an adapter or the SDK', () => {
    const violations = layerViolations(
      tree({
        'functions/handlers/send-step.ts': [
          "import { parseStepEvent } from '../adapters/step-event.js';",
          "import { SESv2Client } from '@aws-sdk/client-sesv2';",
          "import { startExit } from '../domain/use-cases/start-exit.js';",
        ].join('\n'),
      }),
    );
    expect(violations).toEqual([
      {
        file: 'functions/handlers/send-step.ts',
        imports: 'functions/adapters/step-event.ts',
        rule: 'handlers may not import adapters',
      },
      {
        file: 'functions/handlers/send-step.ts',
        imports: '@aws-sdk/client-sesv2',
        rule: 'handlers makes no SDK call',
      },
    ]);
  });

  it('fails rendering that imports a handler or config', () => {
    const violations = layerViolations(
      tree({
        'functions/rendering/preview-site.ts': [
          "import type { HttpResponse } from '../handlers/http/responses.js';",
          "import type { Config } from '../config.js';",
          "import type { Exit } from '../domain/exit.js';",
        ].join('\n'),
      }),
    );
    expect(violations.map((v) => v.rule)).toEqual([
      'rendering may not import handlers',
      'rendering may not import config',
    ]);
  });

  it('lets the composition roots and the entry points import every layer', () => {
    const source = [
      "import { DynamoExitStore } from './adapters/dynamo-exit-store.js';",
      "import type { Config } from './config.js';",
      "import type { WebDeps } from './handlers/web.js';",
    ].join('\n');
    expect(layerViolations(tree({ 'functions/composition-root.ts': source }))).toEqual([]);
  });

  it('finds an import cycle, type-only imports included', () => {
    const cycles = importCycles(
      tree({
        'functions/rendering/page-views.ts': "import type { C } from './console/views.js';",
        'functions/rendering/console/views.ts': "import type { P } from '../page-views.js';",
        'functions/rendering/form-fields.ts': "import type { P } from './page-views.js';",
      }),
    );
    expect(cycles).toEqual([
      [
        'functions/rendering/console/views.ts',
        'functions/rendering/page-views.ts',
        'functions/rendering/console/views.ts',
      ],
    ]);
  });
});
