import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../infra/cdk/bundle/build.js';
import { entryPath } from '../../infra/cdk/bundling.js';
import {
  aws,
  bundleOf,
  completer,
  importBundle,
  requireInFreshProcess,
  STUB_SECRET,
  startSecretsStub,
} from './support/import-bundle.js';
import { type Synthesized, synthFarewell } from './support/synth.js';

/**
 * Each Lambda bundle exactly as `cdk synth` builds it (esbuild, ESM, minified), imported in a
 * fresh Node process with the environment its template gives it and only the AWS SDK available
 * outside it, as on the Lambda runtime: catches ESM/`require` faults, a package left out of the
 * bundle, configuration the stack forgets, and a broken secret read at cold start. Secrets
 * Manager is a loopback stub (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), so the real fetch path runs.
 */
let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthFarewell({ full: true });
}, 120_000);

afterAll(() => synthesized.remove());

describe('bundles', () => {
  const secret = STUB_SECRET;

  it('import cleanly in a fresh Node process, reading the secret once', async () => {
    const stub = await startSecretsStub(secret);
    try {
      const all = [
        ...Object.values(synthesized.farewell.stateless.functions).map((f) => f.function),
        ...completer(synthesized.farewell.stateful),
      ];
      expect(all).toHaveLength(5);
      await Promise.all(
        all.map((fn) => {
          const { file, env } = bundleOf(fn, synthesized.outdir);
          return importBundle(file, { ...env, ...aws(stub.endpoint) });
        }),
      );
      expect(stub.calls()).toBe(4);
    } finally {
      await stub.stop();
    }
  }, 60_000);

  it('carry the AWS SDK inside: they import with no SDK on NODE_PATH (faster than the runtime one)', async () => {
    const stub = await startSecretsStub(secret);
    try {
      const stateless = synthesized.farewell.stateless.functions;
      await Promise.all(
        [stateless.reconciler.function, stateless.sendStep.function].map((fn) => {
          const { file, env } = bundleOf(fn, synthesized.outdir);
          return importBundle(file, { ...env, ...aws(stub.endpoint), NODE_PATH: '' });
        }),
      );
      expect(stub.calls()).toBe(2);
    } finally {
      await stub.stop();
    }
  }, 60_000);

  it('carry on-demand files that load with require in a fresh Node process', async () => {
    const stateless = synthesized.farewell.stateless.functions;
    const web = bundleOf(stateless.web.function, synthesized.outdir).dir;
    const onDemand = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.cjs'));

    const engine = await requireInFreshProcess(
      join(web, 'holidays-engine.cjs'),
      "new m.default('JP').getHolidays(2040).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10))",
    );
    const pages = await requireInFreshProcess(
      join(web, 'page-templates.cjs'),
      'Object.keys(m.precompiledPages)',
    );

    expect(onDemand(web).sort()).toEqual([
      'email-templates.cjs',
      'holidays-engine.cjs',
      'page-templates.cjs',
    ]);
    // Vernal and autumnal equinox days need the astronomical part of the rule engine.
    expect(engine).toEqual(expect.arrayContaining(['2040-03-20', '2040-09-22']));
    expect(pages).toContain('survey');
  }, 60_000);

  it('hold only the clients and parts each function uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'farewell-parts-'));
    try {
      const inputs = async (name: string) =>
        Object.keys((await bundleFunction(entryPath(name), join(dir, name))).metafile.inputs);
      const has = (list: string[], pattern: RegExp) => list.some((input) => pattern.test(input));
      const ses = /client-sesv2/;
      const pages = /generated\/page-templates\.ts$/;
      const emails = /generated\/email-templates\.ts$/;
      const [reconcile, sesEvents, sendStep, web] = await Promise.all(
        ['reconcile', 'ses-events', 'send-step', 'web'].map(inputs),
      );
      expect({ ses: has(reconcile ?? [], ses), pages: has(reconcile ?? [], pages) }).toEqual({
        ses: false,
        pages: false,
      });
      expect({ ses: has(sesEvents ?? [], ses), pages: has(sesEvents ?? [], pages) }).toEqual({
        ses: false,
        pages: false,
      });
      expect({ emails: has(reconcile ?? [], emails) || has(sesEvents ?? [], emails) }).toEqual({
        emails: false,
      });
      expect({ ses: has(sendStep ?? [], ses), pages: has(sendStep ?? [], pages) }).toEqual({
        ses: true,
        pages: false,
      });
      expect({ ses: has(web ?? [], ses), pages: has(web ?? [], pages) }).toEqual({
        ses: true,
        pages: true,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('render a page from the web bundle, loading its templates at first use', async () => {
    const stdout = await invokeWebBundle('/s/not-a-token');

    const response = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatch(/^<!doctype html>/i);
  }, 60_000);

  it('answer a request from the web bundle and publish its metric', async () => {
    // Nothing listens where the store is: health answers 503.
    const stdout = await invokeWebBundle('/healthz');

    const lines = stdout.trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ statusCode: 503 });
    expect(stdout).toContain('"Http5xx"');
  }, 60_000);
});

/**
 * Imports the web bundle in a fresh process and sends it one `GET path`, with the secret from a
 * loopback stub and DynamoDB pointed where nothing listens. Answers the child's stdout.
 */
async function invokeWebBundle(path: string): Promise<string> {
  const stub = await startSecretsStub(STUB_SECRET);
  try {
    const { file, env } = bundleOf(
      synthesized.farewell.stateless.functions.web.function,
      synthesized.outdir,
    );
    const event = { rawPath: path, headers: {}, requestContext: { http: { method: 'GET' } } };
    return await importBundle(
      file,
      { ...env, ...aws(stub.endpoint), AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' },
      event,
    );
  } finally {
    await stub.stop();
  }
}
