import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aws,
  bundleOf,
  completer,
  importBundle,
  startSecretsStub,
} from './support/import-bundle.js';
import { type Synthesized, synthFarewell } from './support/synth.js';

/**
 * Each Lambda bundle exactly as `cdk synth` builds it (esbuild, ESM, minified), imported in a
 * fresh Node process with the environment its template gives it: catches ESM/`require` faults,
 * configuration the stack forgets, and a broken secret read at cold start. Secrets Manager is a
 * loopback stub (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), so the real fetch path runs.
 */
let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthFarewell({ full: true });
}, 120_000);

afterAll(() => synthesized.remove());

describe('bundles', () => {
  const secret = {
    FAREWELL_WEBHOOK_SECRETS: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    FAREWELL_LINK_KEYS: 'k'.repeat(43),
    FAREWELL_SUPPRESSION_KEY: 's'.repeat(64),
    FAREWELL_SESSION_KEY: 'o'.repeat(43),
  };

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

  it('answer a request from the web bundle and publish its metric', async () => {
    const stub = await startSecretsStub(secret);
    try {
      const { file, env } = bundleOf(
        synthesized.farewell.stateless.functions.web.function,
        synthesized.outdir,
      );
      const event = {
        rawPath: '/healthz',
        headers: {},
        requestContext: { http: { method: 'GET' } },
      };

      const stdout = await importBundle(
        file,
        // Nothing listens there: the store is unreachable, so health answers 503.
        { ...env, ...aws(stub.endpoint), AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' },
        event,
      );

      const lines = stdout.trim().split('\n');
      expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ statusCode: 503 });
      expect(stdout).toContain('"Http5xx"');
    } finally {
      await stub.stop();
    }
  }, 60_000);
});
