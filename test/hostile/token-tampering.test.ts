import { beforeAll, describe, expect, it } from 'vitest';
import { signLinkToken, verifyLinkToken } from '../../functions/domain/link-token.js';
import { verifySessionToken } from '../../functions/domain/sessions.js';
import { clientPool, linkMint } from '../support/hostile-client-pool.js';
import { consoleSession } from '../support/hostile-console-session.js';
import { bodyOf, csrfField, headerOf } from '../support/hostile-http.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { startForFile } from '../support/start-for-file.js';

/**
 * Every one-bit change at every position of a signed token is refused: emailed links (survey,
 * unsubscribe), the console's session cookie and CSRF fields. A change that still opens the
 * page would mean the signature does not cover what the server reads.
 */

const stack = startForFile(startHostileStack);
let exits: string[];

beforeAll(async () => {
  exits = await clientPool(stack, 3, 'tamper');
});

const BITS = [1, 2, 4, 8, 16, 32, 64];

/** Every string one flipped bit away from `token` (ASCII stays ASCII). */
function oneBitAway(token: string): { at: number; bit: number; changed: string }[] {
  const variants = [];
  for (let at = 0; at < token.length; at += 1) {
    for (const bit of BITS) {
      const code = token.charCodeAt(at) ^ bit;
      const changed = `${token.slice(0, at)}${String.fromCharCode(code)}${token.slice(at + 1)}`;
      if (changed !== token) variants.push({ at, bit, changed });
    }
  }
  return variants;
}

/** Ways of changing a token other than a flipped bit: each must be refused too. */
function otherChanges(token: string): string[] {
  const [payload = '', signature = ''] = token.split('.');
  return [
    token.slice(0, -1),
    `${token}A`,
    `${payload}.${signature}.`,
    `${payload}.`,
    `.${signature}`,
    `${signature}.${payload}`,
    token.toUpperCase(),
    encodeURIComponent(`${token}\n`),
  ];
}

/** Changes that leave the decoded bytes as they were: a strict decoder refuses them too. */
function encodingChanges(token: string): string[] {
  const [payload = '', signature = ''] = token.split('.');
  return [
    `${token}=`,
    `${payload}!.${signature}`,
    `${payload}.${signature.slice(0, 10)} ${signature.slice(10)}`,
    `${payload}.${signature.slice(0, 10)}!${signature.slice(10)}`,
  ];
}

describe('emailed link tokens', () => {
  it('open their page untouched', async () => {
    const mint = linkMint(stack);
    const exitId = exits[0] ?? '';

    const survey = await stack.call({ method: 'GET', path: `/s/${mint.token(exitId, 'survey')}` });
    const preferences = await stack.call({
      method: 'GET',
      path: `/u/${mint.token(exitId, 'unsubscribe')}`,
    });

    expect(survey.statusCode).toBe(200);
    expect(preferences.statusCode).toBe(200);
  });

  it('are refused with another purpose, past expiry, from another key, or naming no exit', async () => {
    const mint = linkMint(stack);
    const exitId = exits[0] ?? '';
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      [`/s/${mint.token(exitId, 'unsubscribe')}`, 404],
      [`/u/${mint.token(exitId, 'survey')}`, 404],
      [`/s/${mint.token(exitId, 'survey', -1)}`, 410],
      [`/u/${mint.token(exitId, 'unsubscribe', -1)}`, 410],
      [
        `/s/${signLinkToken(['an-unrelated-key-of-32-characters'], { exitId, purpose: 'survey', expiresAt: now + 3600 })}`,
        404,
      ],
      [`/s/${mint.token(`x${'0'.repeat(24)}`, 'survey')}`, 404],
    ] as const;

    for (const [path, status] of cases) {
      expect((await stack.call({ method: 'GET', path })).statusCode, path).toBe(status);
    }
  });

  it('are refused after any other change: truncated, extended, re-cased, swapped, spaced', async () => {
    const mint = linkMint(stack);
    const token = mint.token(exits[0] ?? '', 'survey');

    for (const changed of otherChanges(token)) {
      const check = verifyLinkToken(mint.keys, changed, 'survey', new Date());
      const page = await stack.call({ method: 'GET', path: `/s/${changed}` });
      expect({ changed, valid: check.valid, status: page.statusCode }).toMatchObject({
        valid: false,
        status: 404,
      });
    }
  });

  // Fails today (reported: hostile #5): the signature and payload are decoded with Node's
  // lenient base64url decoder, which skips characters outside the alphabet, accepts `=` and
  // ignores the unused low bits of the last character, so some changed tokens still verify.
  // Fix in `functions/domain/link-token.ts` (and `sessions.ts`): refuse a part whose decoding
  // does not re-encode to itself. Then turn `it.fails` into `it`.
  it('refuse every one-bit change at every position, and every re-encoding', async () => {
    const mint = linkMint(stack);
    const accepted: string[] = [];
    for (const purpose of ['survey', 'unsubscribe'] as const) {
      const token = mint.token(exits[1] ?? '', purpose);
      const route = purpose === 'survey' ? '/s/' : '/u/';
      const changes = [
        ...oneBitAway(token),
        ...encodingChanges(token).map((changed) => ({ at: -1, bit: 0, changed })),
      ];
      for (const { at, bit, changed } of changes) {
        const check = verifyLinkToken(mint.keys, changed, purpose, new Date());
        const page = await stack.call({ method: 'GET', path: `${route}${changed}` });
        if (check.valid || page.statusCode !== 404) accepted.push(`${purpose}@${at}^${bit}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('never unsubscribe by one-click when changed anywhere but in encoding', async () => {
    const mint = linkMint(stack);
    const exitId = exits[2] ?? '';
    const token = mint.token(exitId, 'unsubscribe');
    const before = await stack.deps.web.store.get(exitId);
    const canonical = (text: string) =>
      text
        .split('.')
        .map((part) => Buffer.from(part, 'base64url').toString('base64url'))
        .join('.');

    for (const { changed } of oneBitAway(token)) {
      if (canonical(changed) === canonical(token)) continue;
      const response = await stack.call({
        method: 'POST',
        path: `/u/${changed}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.statusCode, changed).toBe(404);
    }
    expect(await stack.deps.web.store.get(exitId)).toEqual(before);
  });
});

describe('the console session cookie', () => {
  it('is refused after any change that is not only in encoding, sending the browser to sign in', async () => {
    const session = await consoleSession(stack);
    const cookie = session.cookies.find((c) => c.startsWith('farewell-session=')) ?? '';
    const token = cookie.slice('farewell-session='.length);
    const key = stack.config.FAREWELL_SESSION_KEY;
    const signature = token.split('.')[1] ?? '';
    const canonicalSignature = Buffer.from(signature, 'base64url').toString('base64url');
    const refusedPages: string[] = [];

    for (const { at, bit, changed } of oneBitAway(token)) {
      const [, changedSignature = ''] = changed.split('.');
      const onlyEncoding =
        changed.split('.')[0] === token.split('.')[0] &&
        Buffer.from(changedSignature, 'base64url').toString('base64url') === canonicalSignature;
      const check = verifySessionToken(key, changed, new Date());
      const page = await stack.call({
        method: 'GET',
        path: '/admin/exits',
        cookies: [`farewell-session=${changed}`],
      });
      if (onlyEncoding) continue;
      if (check.valid || page.statusCode !== 303) refusedPages.push(`${at}^${bit}`);
      expect(headerOf(page, 'location')).toBe('/admin/sign-in?next=%2Fadmin%2Fexits');
    }

    expect(refusedPages).toEqual([]);
    const untouched = await stack.call({ method: 'GET', path: '/admin/exits', cookies: [cookie] });
    expect(untouched.statusCode).toBe(200);
  });
});

describe('CSRF fields', () => {
  it('are refused after any one-bit change, on the console and on the client pages', async () => {
    const session = await consoleSession(stack);
    const action = '/admin/exits/new';
    const field = session.token(action);
    const mint = linkMint(stack);
    const surveyPath = `/s/${mint.token(exits[0] ?? '', 'survey')}`;
    const browser = stack.browser();
    const page = bodyOf(await browser.get(surveyPath));
    const surveyField = csrfField(page, surveyPath);
    const statuses = new Set<number>();

    for (const { changed } of oneBitAway(field)) {
      const response = await stack.call({
        method: 'POST',
        path: action,
        cookies: session.cookies,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrf: changed,
          name: 'A',
          email: 'a@client.example',
          initiatedBy: 'firm',
          intent: 'preview',
        }).toString(),
      });
      statuses.add(response.statusCode);
    }
    for (const { changed } of oneBitAway(surveyField)) {
      const response = await browser.post(surveyPath, {
        csrf: changed,
        reason: 'budget',
        score: '7',
      });
      statuses.add(response.statusCode);
    }

    expect([...statuses]).toEqual([403]);
  });
});
