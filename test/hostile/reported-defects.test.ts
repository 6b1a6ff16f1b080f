import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { ConfigError } from '../../functions/domain/errors.js';
import { ConsoleClient } from '../support/console-client.js';
import { BEYOND_YEAR_9999 } from '../support/hostile-arbitraries.js';
import { consoleSession } from '../support/hostile-console-session.js';
import { bodyOf } from '../support/hostile-http.js';
import { leaksIn } from '../support/hostile-invariants.js';
import { type HostileStack, startHostileStack } from '../support/hostile-stack.js';
import { validSettings } from '../support/settings.js';
import { exitRequested, signWebhook } from '../support/webhooks.js';

/**
 * Defects the hostile-input tests found, one reproduction each. Each is `it.fails` while the
 * defect stands, so the suites stay green; the fix makes it fail: then turn it into `it` and
 * remove what the fuzzers leave out for it (named in each comment).
 */

let stack: HostileStack;

beforeAll(async () => {
  stack = await startHostileStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('reported defects (each fails until fixed)', () => {
  // hostile #1: zod's default message for a missing or mistyped field names JavaScript's
  // `undefined` ("Invalid input: expected string, received undefined"). Give the schemas an
  // error map that says "is required" / "must be text". Fuzzers: REPORTED_DEFECTS in
  // test/support/hostile-invariants.ts.
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

  // hostile #2: an effective date late in 9999 plans steps after year 9999, written
  // `+010000-…`; the Scheduler refuses that `at()` expression and the request answers 500
  // (webhook: after the exit item was already stored). Bound `effectiveOn` and
  // `relationshipStartedOn` in `exitRequestSchema` and `parseEffectiveDate` (e.g. within ten
  // years of today). Fuzzers: BEYOND_YEAR_9999 in test/support/hostile-arbitraries.ts.
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

  // hostile #3: `functions/handlers/console/shared.ts`, `notice()`: `DONE[query.done]` reads
  // Object.prototype, so `?done=__proto__` shows "[object Object]" and `?done=constructor` the
  // source of `function Object()`. Use `Object.hasOwn(DONE, done)` (or a Map). Fuzzers:
  // PROTOTYPE_KEYS filter in test/support/hostile-console-pages-fuzz.ts.
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

  // hostile #4: `functions/adapters/dynamo-queries.ts`, `decodeCursor`: a cursor of the right
  // shape with an empty or over-long key value passes, DynamoDB refuses the query
  // (ValidationException), the store throws TransientError and the page answers 500. Refuse
  // such cursors there (non-empty, `pk` = `exit#…`, `sk` = `exit`, sizes within DynamoDB's key
  // limits), or sign cursors. Fuzzers: cursorBreaksQuery in test/support/hostile-console-pages-fuzz.ts.
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

  // hostile #7: `functions/config.ts` accepts a FAREWELL_PUBLIC_URL with `>`, `<`, `,` or
  // spaces, which then sit inside the List-Unsubscribe header: `https://a.example/x>,
  // <https://attacker.example` makes it offer a second, foreign unsubscribe URL carrying the
  // client's token. Allow an origin and a plain path only.
  it('a public URL that would add an address to List-Unsubscribe is refused at start', () => {
    const settings = validSettings({
      FAREWELL_PUBLIC_URL: 'https://farewell.example/x>, <https://attacker.example',
    });

    expect(() => loadConfig(settings)).toThrow(ConfigError);
  });

  // hostile #9: `functions/handlers/webhooks.ts`, `CONTROL_TYPES[envelope.data.type]` reads
  // Object.prototype: a signed event of type `constructor` (`toString`, `valueOf`,
  // `__proto__`…) is taken for a control event, and `controlExit` treats any action other than
  // cancel and pause as resume: it resumes the paused exits it names instead of answering 422.
  // Use `Object.hasOwn(CONTROL_TYPES, type)` (or a Map). Fuzzers: PROTOTYPE_KEYS filter in
  // test/support/hostile-webhook-fuzz.ts.
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

  // hostile #8: `functions/handlers/console/sign-in.ts` line 118 computes the cookie's Max-Age
  // from `deps.clock.now()` (local mode: the virtual clock) while the session's expiry comes
  // from the operators' real clock. After time travel of more than 12 hours every sign-in sets
  // `Max-Age=0`: the browser drops the cookie and the operator cannot sign in. Use the session's
  // own `issuedAt` (or the operators' clock). Local mode only; on AWS both clocks are real time.
  it('after a time travel, signing in still gives a cookie that lives twelve hours', async () => {
    await stack.harness.travel(2);
    const client = new ConsoleClient(stack.harness.stack.appUrl);

    const response = await client.signIn(stack.operator.email, stack.operator.password);

    expect(response.headers.getSetCookie().join()).toMatch(
      /farewell-session=[^;]+; Path=\/; Max-Age=43\d{3};/,
    );
  });
});
