import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { ConfigError } from '../../functions/domain/errors.js';
import { ConsoleClient } from '../support/console-client.js';
import { BEYOND_YEAR_9999 } from '../support/hostile-arbitraries.js';
import { consoleSession } from '../support/hostile-console-session.js';
import { bodyOf } from '../support/hostile-http.js';
import { leaksIn } from '../support/hostile-invariants.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { validSettings } from '../support/settings.js';
import { startForFile } from '../support/start-for-file.js';
import { exitRequested, signWebhook } from '../support/webhooks.js';

/**
 * Defects the hostile-input tests found, one reproduction each, kept so each stays fixed (all are
 * fixed). A new report enters as `it.fails` while the defect stands, so the suites stay green, and
 * with the fix becomes `it`; what the fuzzers left out for it goes in the same change (for text
 * leaks, its entry in REPORTED_DEFECTS in test/support/hostile-invariants.ts).
 */

const stack = startForFile(startHostileStack);

describe('reported defects (each stays fixed)', () => {
  // hostile #1: zod's default message for a missing or mistyped field named JavaScript's
  // `undefined` ("Invalid input: expected string, received undefined"); the exit-request
  // schema's messages now say "is required".
  it('a webhook missing a required field says so without JavaScript words', async () => {
    const signed = signWebhook({ type: 'exit.requested', data: { initiatedBy: 'firm' } });

    const response = await stack.call({
      method: 'POST',
      path: '/webhooks/exits',
      headers: signed.headers,
      body: signed.body,
    });

    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).not.toMatch(/undefined/);
  });

  // hostile #2: an effective date late in 9999 planned steps after year 9999, written
  // `+010000-…`; the Scheduler refused that `at()` expression and the request answered 500
  // (webhook: after the exit item was already stored). Dates are now bounded to the years
  // Farewell can plan in; the fuzzers generate BEYOND_YEAR_9999 (hostile-arbitraries.ts).
  it('a webhook with an effective date late in 9999 answers 4xx, not 500', async () => {
    const signed = signWebhook(exitRequested({ effectiveOn: BEYOND_YEAR_9999 }));

    const response = await stack.call({
      method: 'POST',
      path: '/webhooks/exits',
      headers: signed.headers,
      body: signed.body,
    });

    expect(response.statusCode).toBeLessThan(500);
  });

  // hostile #3: the console's `?done=` message lookup read Object.prototype, so
  // `?done=__proto__` showed "[object Object]" and `?done=constructor` the source of
  // `function Object()`; it now reads own keys only. The console-pages fuzzer generates
  // PROTOTYPE_KEYS for `done`.
  it('a console page with ?done=constructor shows no notice made of the prototype', async () => {
    const session = await consoleSession(stack);

    for (const done of ['__proto__', 'constructor', 'toString']) {
      const response = await stack.call({
        method: 'GET',
        path: '/admin/exits',
        query: `done=${done}`,
        cookies: session.cookies,
      });
      expect(leaksIn(bodyOf(response))).toEqual([]);
    }
  });

  // hostile #4: a cursor of the right shape with an empty or over-long key value passed
  // `decodeCursor` (functions/adapters/dynamo-queries.ts), DynamoDB refused the query
  // (ValidationException) and the page answered 500. It now accepts only a key this app could
  // have given out; the console-pages fuzzer generates such shaped cursors.
  it('a tampered exits-list cursor answers 422, not 500', async () => {
    const session = await consoleSession(stack);
    const cursor = Buffer.from(
      JSON.stringify({ gsi1pk: 'status#active', gsi1sk: '', pk: '', sk: '' }),
    ).toString('base64url');

    const response = await stack.call({
      method: 'GET',
      path: '/admin/exits',
      query: `cursor=${cursor}`,
      cookies: session.cookies,
    });

    expect(response.statusCode).toBe(422);
  });

  // hostile #7: the config accepted a FAREWELL_PUBLIC_URL with `>`, `<`, `,` or spaces, which
  // then sat inside the List-Unsubscribe header: `https://a.example/x>, <https://attacker.example`
  // made it offer a second, foreign unsubscribe URL carrying the client's token. It now allows an
  // origin and a plain path only.
  it('a public URL that would add an address to List-Unsubscribe is refused at start', () => {
    const settings = validSettings({
      FAREWELL_PUBLIC_URL: 'https://farewell.example/x>, <https://attacker.example',
    });

    expect(() => loadConfig(settings)).toThrow(ConfigError);
  });

  // hostile #9: the webhook's control-type lookup read Object.prototype: a signed event of type
  // `constructor` (`toString`, `valueOf`, `__proto__`…) was taken for a control event and, as
  // neither cancel nor pause, resumed the paused exits it named instead of answering 422. It now
  // reads own keys only; the webhook fuzzer generates PROTOTYPE_KEYS as event types.
  it('a signed event of type "constructor" is refused and resumes nothing', async () => {
    const externalId = 'crm-prototype-type';
    const send = (payload: unknown) => {
      const signed = signWebhook(payload);
      return stack.call({
        method: 'POST',
        path: '/webhooks/exits',
        headers: signed.headers,
        body: signed.body,
      });
    };
    const started = JSON.parse(bodyOf(await send(exitRequested({ externalId })))) as {
      exitId: string;
    };
    await send({ type: 'exit.paused', data: { externalId } });

    const response = await send({ type: 'constructor', data: { externalId } });

    expect((await stack.deps.web.store.get(started.exitId))?.status).toBe('paused');
    expect(response.statusCode).toBe(422);
  });

  // hostile #8: sign-in computed the cookie's Max-Age from the virtual clock (local mode) while
  // the session's expiry came from the operators' real clock, so after time travel of more than
  // 12 hours every sign-in set `Max-Age=0` and the operator could not sign in. The Max-Age now
  // counts from the session's own `issuedAt`. Local mode only; on AWS both clocks are real time.
  it('after a time travel, signing in still gives a cookie that lives twelve hours', async () => {
    await stack.harness.travel(2);
    const client = new ConsoleClient(stack.harness.stack.appUrl);

    const response = await client.signIn(stack.operator.email, stack.operator.password);

    expect(response.headers.getSetCookie().join()).toMatch(
      /farewell-session=[^;]+; Path=\/; Max-Age=43\d{3};/,
    );
  });
});
