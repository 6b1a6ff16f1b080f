import { beforeAll, describe, expect, it } from 'vitest';
import { emailHash } from '../../functions/domain/ids.js';
import { signLinkToken } from '../../functions/domain/link-token.js';
import { startForFile } from '../support/start-for-file.js';
import { type SurveyedExit, startSurveyedExits, storedExit } from '../support/surveyed-exits.js';
import { type StoredEmail, startTestStack } from '../support/test-stack.js';

/**
 * The unsubscribe contract over HTTP: GET never changes state, forms need their CSRF token, and
 * the RFC 8058 one-click post works without one. The page tests come first: the one-click test
 * travels 400 days.
 */

const harness = startForFile(startTestStack);
/** Only read and refused, never changed: the page tests share it. */
let unchanged: SurveyedExit;
/** The one the one-click tests unsubscribe. */
let leaving: SurveyedExit;

beforeAll(async () => {
  const [first, second] = await startSurveyedExits(harness, 2);
  if (!first || !second) throw new Error('exits not started');
  [unchanged, leaving] = [first, second];
});

const ONE_CLICK = {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'List-Unsubscribe=One-Click',
  redirect: 'manual',
} as const;

const exitOf = (exitId: string) => storedExit(harness, exitId);

function header(email: StoredEmail, name: string): string {
  const found = email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new Error(`no ${name} header`);
  return found.value;
}

function unsubscribeUrl(email: StoredEmail): string {
  return header(email, 'List-Unsubscribe').replace(/^<|>$/g, '');
}

describe('the unsubscribe page', () => {
  it('never changes anything on GET', async () => {
    const { exitId, survey } = unchanged;
    const before = await exitOf(exitId);

    const page = await fetch(unsubscribeUrl(survey));
    await fetch(unsubscribeUrl(survey));

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop all emails');
    expect(await exitOf(exitId)).toEqual(before);
  });

  it('refuses a form post without its CSRF token, changing nothing', async () => {
    const { exitId, survey } = unchanged;
    const before = await exitOf(exitId);

    const response = await fetch(unsubscribeUrl(survey), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=stop',
    });

    expect(response.status).toBe(403);
    expect(await exitOf(exitId)).toEqual(before);
  });

  it('shows a friendly 404 page for a tampered link and 410 for an expired one', async () => {
    const { exitId, survey } = unchanged;
    const url = unsubscribeUrl(survey);
    const now = await harness.travel(0);
    const expired = signLinkToken(harness.stack.secrets.FAREWELL_LINK_KEYS.split(/\s+/), {
      exitId,
      purpose: 'unsubscribe',
      expiresAt: Math.floor(now.toSeconds()) - 60,
    });

    const tampered = await fetch(`${url.slice(0, -3)}abc`);
    const old = await fetch(`${harness.stack.appUrl}/u/${expired}`);

    expect(tampered.status).toBe(404);
    expect(tampered.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await tampered.text()).toContain('This link does not work');
    expect(old.status).toBe(410);
    expect(await old.text()).toContain('This link has expired');
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it('answers 200 with no redirect and no cookie, suppresses the address, and stops every later email', async () => {
    const { exitId, email, survey } = leaving;
    expect(header(survey, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const sentBefore = (await harness.emailsTo(email)).length;

    const response = await fetch(unsubscribeUrl(survey), ONE_CLICK);
    const again = await fetch(unsubscribeUrl(survey), ONE_CLICK);
    await harness.travel(400);

    expect([response.status, again.status]).toEqual([200, 200]);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('You are unsubscribed');
    const hash = emailHash(harness.stack.secrets.FAREWELL_SUPPRESSION_KEY, email);
    expect(await harness.stack.store.isSuppressed(hash)).toBe(true);
    expect(await harness.emailsTo(email)).toHaveLength(sentBefore);
    const exit = await exitOf(exitId);
    expect(exit.steps['check-in-1']).toMatchObject({
      state: 'skipped',
      reason: 'client unsubscribed',
    });
    expect(exit.steps['survey-reminder']?.state).toBe('skipped');
    expect(exit.status).toBe('completed');
  });
});

describe('routes', () => {
  it('serves the stylesheet with long caching', async () => {
    const response = await fetch(`${harness.stack.appUrl}/assets/app.css`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toContain('--accent:');
  });

  it.each([
    ['GET', '/s/'],
    ['GET', '/s/a/b'],
    ['GET', '/x/token'],
  ])('answers 404 to %s %s', async (method, path) => {
    expect((await fetch(`${harness.stack.appUrl}${path}`, { method })).status).toBe(404);
  });

  it.each(['/healthz', '/s/some-token', '/admin/sign-in'])(
    'answers HEAD on %s as GET does, without a body',
    async (path) => {
      const get = await fetch(`${harness.stack.appUrl}${path}`);
      const head = await fetch(`${harness.stack.appUrl}${path}`, { method: 'HEAD' });

      expect(head.status).toBe(get.status);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(await head.text()).toBe('');
    },
  );

  it('answers 405 naming the methods a token page allows', async () => {
    const response = await fetch(`${harness.stack.appUrl}/s/some-token`, { method: 'PUT' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
  });
});
