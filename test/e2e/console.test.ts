import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import {
  CHROMIUM,
  type ChromiumPage,
  expectAccessible,
  hasChromium,
  openChromiumPage,
  shoot,
} from '../support/browser.js';
import { buildExit } from '../support/exit-fixture.js';
import { waitFor } from '../support/ports.js';
import { CHEAP_PASSWORDS, startTestStack, type TestStack } from '../support/test-stack.js';
import { exitRequested } from '../support/webhooks.js';

/**
 * The operator console in real Chromium, through the local stack: sign in with the first
 * operator, start an exit through the form (preview, then confirm), find it by searching, read
 * its timeline, cancel it; CSRF, XSS and sign-in throttling; an axe-core scan of every console
 * page. Screenshots at 375 and 1280 px go to `test-artifacts/console/` (git-ignored), or to
 * FAREWELL_SCREENSHOT_DIR.
 */

if (!hasChromium) console.warn(`console: skipped, ${CHROMIUM} is missing.`);

const SHOTS = resolve(process.env.FAREWELL_SCREENSHOT_DIR ?? 'test-artifacts', 'console');
const XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>';
let harness: TestStack;
let browser: ChromiumPage | undefined;
let page: Page;
let operator: { email: string; password: string };
const dialogs: string[] = [];
let exitUrl = '';

/** `cards`: the page's tables reflow, so not even a table region may scroll sideways. */
async function noHorizontalScroll(cards = false): Promise<void> {
  await page.setViewportSize({ width: 375, height: 900 });
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  if (!cards) return;
  // Nor may any element clip inside a scroll region (a table wider than its wrapper).
  const clipped = await page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
      && getComputedStyle(el).overflowX !== 'visible' && !el.closest('.visually-hidden, thead'))
    .map((el) => el.tagName + '.' + el.className)`);
  expect(clipped).toEqual([]);
}

/** Clicks and waits for the page the click navigates to. */
async function clickAndLoad(selector: string): Promise<Response | null> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

async function exitOf(exitId: string): Promise<Exit> {
  const exit = await harness.stack.store.get(exitId);
  if (!exit) throw new Error(`exit ${exitId} missing`);
  return exit;
}

async function signIn(password: string): Promise<Response | null> {
  await page.fill('#email', operator.email);
  await page.fill('#password', password);
  return clickAndLoad('button[type=submit]');
}

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  // Sign-ins are many here: cheap scrypt parameters, the same code path.
  harness = await startTestStack({}, { passwordParams: CHEAP_PASSWORDS });
  const first = harness.stack.operator;
  if (first.password.source !== 'generated') throw new Error('expected a generated password');
  operator = { email: first.email, password: first.password.value };
  browser = await openChromiumPage('console', { timezoneId: 'America/New_York' });
  page = browser.page;
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe.skipIf(!hasChromium)('the operator console in Chromium', () => {
  it('sends a visitor to sign in, then back to the page they asked for', async () => {
    await page.goto(`${harness.stack.appUrl}/admin/exits?status=active`);

    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'sign-in');
    const response = await signIn(operator.password);

    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${harness.stack.appUrl}/admin/exits?status=active`);
    expect(await page.getAttribute('nav a[aria-current=page]', 'href')).toBe('/admin/exits');
  });

  it('starts an exit through the form: the preview first, then confirm', async () => {
    await page.goto(`${harness.stack.appUrl}/admin/exits/new`);
    // The console script filled the time zone from the browser's own.
    expect(await page.inputValue('#timezone')).toBe('America/New_York');
    // Scanned below with its messages and with its preview: the same page, more in it.
    await shoot(page, SHOTS, 'exit-new');

    const invalid = await clickAndLoad('button[value=preview]');
    expect(invalid?.status()).toBe(422);
    expect(await page.textContent('#field-email-error')).toContain("client's email address");
    await expectAccessible(page);
    await shoot(page, SHOTS, 'exit-new-errors');

    await page.fill('#field-name', 'Grace Hopper');
    await page.fill('#field-email', 'grace@navy.example');
    await page.fill('#field-company', 'Navy Computing Labs');
    await page.click('label[for=initiatedBy-firm]');
    await page.fill('#field-reason', 'Your needs have grown beyond our compiler work.');
    await page.fill('#field-relationshipStartedOn', '2024-03-01');
    await page.fill('#field-handover', 'Compiler source\nTest suites');
    const preview = await clickAndLoad('button[value=preview]');

    expect(preview?.status()).toBe(200);
    const steps = await page.locator('.plan li').allTextContents();
    expect(steps).toHaveLength(5);
    expect(steps[1]).toMatch(/^Thank-you (Mon|Tue|Wed|Thu|Fri) \d+ \w+ \d{4}, 10:00 GMT-[45]$/);
    expect(await page.textContent('.email-text')).toContain('Compiler source');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'exit-new-preview');

    await clickAndLoad('button[value=confirm]');
    exitUrl = page.url();
    expect(new URL(exitUrl).pathname).toMatch(/^\/admin\/exits\/x[0-9a-f]{24}$/);
    expect(await page.textContent('[role=status]')).toContain('The exit has started');
  });

  it('finds the exit by searching its company, whatever the case', async () => {
    await page.goto(`${harness.stack.appUrl}/admin/exits`);
    await page.fill('#q', 'navy computing');
    await clickAndLoad('.filters button');

    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Grace Hopper');
    expect(await rows.first().textContent()).toMatch(/Notice|Thank-you/);
    await expectAccessible(page);
    await noHorizontalScroll(true);
    await shoot(page, SHOTS, 'exits');
    await clickAndLoad('tbody a');
    expect(page.url()).toBe(exitUrl.replace(/\?.*$/, ''));
  });

  it('reads the timeline: the notice sent, the rest scheduled in the client time', async () => {
    const exitId = new URL(exitUrl).pathname.split('/').at(-1) ?? '';
    await waitFor(
      async () => ((await exitOf(exitId)).steps.notice?.state === 'sent' ? true : undefined),
      8_000,
    );
    await page.reload();

    const notice = await page.locator('tbody tr', { hasText: 'Notice' }).textContent();
    expect(notice).toContain('Sent');
    expect(notice).toMatch(/SES message/);
    expect(await page.locator('tbody tr', { hasText: 'Exit survey' }).textContent()).toContain(
      'Scheduled',
    );
    const timeline = await page.locator('.timeline').textContent();
    expect(timeline).toContain('Exit started');
    expect(timeline).toContain('Sent · Notice');
    await expectAccessible(page);
    await noHorizontalScroll(true);
    await shoot(page, SHOTS, 'exit');
  });

  it('cancels the exit: nothing more is sent', async () => {
    const exitId = new URL(exitUrl).pathname.split('/').at(-1) ?? '';
    await clickAndLoad('text=Cancel the exit…');
    expect(await page.textContent('h1')).toContain('Cancel the exit for');
    await clickAndLoad('button:has-text("Cancel the exit")');

    expect(await page.textContent('[role=status]')).toContain('Cancelled');
    expect(await page.textContent('.badge')).toBe('Cancelled');
    const exit = await exitOf(exitId);
    expect(exit.status).toBe('cancelled');
    expect(exit.steps.gratitude?.state).toBe('skipped');
    await shoot(page, SHOTS, 'exit-cancelled');
  });

  it('shows an XSS payload in a client name as plain text', async () => {
    const payload = exitRequested();
    (payload.data as { client: { name: string } }).client.name = XSS;
    const { exitId } = (await (await harness.webhook(payload)).json()) as { exitId: string };

    await page.goto(`${harness.stack.appUrl}/admin/exits?q=${encodeURIComponent('onerror')}`);
    const listed = await page.locator('tbody th').first().textContent();
    await page.goto(`${harness.stack.appUrl}/admin/exits/${exitId}`);

    expect(listed).toBe(XSS);
    expect(await page.textContent('h1')).toContain(XSS);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('rejects a form posted without its CSRF token, or with a wrong one (403)', async () => {
    const exitId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const token = page.locator('form[action$="/pause"] input[name=csrf]');

    await token.evaluate((input) => input.setAttribute('value', 'forged-token'));
    const wrong = await clickAndLoad('form[action$="/pause"] button');
    const wrongHeading = await page.textContent('h1');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'csrf-rejected');
    await page.goBack();
    await page.reload();
    await page
      .locator('form[action$="/pause"] input[name=csrf]')
      .evaluate((input) => input.remove());
    const missing = await clickAndLoad('form[action$="/pause"] button');

    expect(wrong?.status()).toBe(403);
    expect(wrongHeading).toBe('This form could not be confirmed');
    expect(missing?.status()).toBe(403);
    expect((await exitOf(exitId)).status).toBe('active');
  });

  it('shows insights with charts, the erase confirmation and a missing page', async () => {
    const answered = buildExit({
      client: { ...buildExit().client, name: 'Katherine Johnson', company: 'Langley' },
      survey: {
        answers: {
          reason: 'budget',
          score: 9,
          winBack: 'yes',
          testimonial: 'Precise and kind.',
          publishAs: 'name',
        },
        answeredAt: '2025-04-04T09:00:00.000Z',
        revisedAt: '2025-04-04T09:00:00.000Z',
        revision: 1,
        consent: { scope: 'name', givenAt: '2025-04-04T09:00:00.000Z' },
      },
    });
    await harness.stack.store.create(answered);

    await page.goto(`${harness.stack.appUrl}/admin/insights`);
    expect(await page.textContent('.stats')).toContain('Net Promoter Score');
    expect(await page.locator('svg[role=img] title').count()).toBe(2);
    expect(await page.textContent('.testimonials')).toContain('May be published with their name');
    await expectAccessible(page);
    await noHorizontalScroll();
    await shoot(page, SHOTS, 'insights');

    await page.goto(`${harness.stack.appUrl}/admin/exits/${answered.id}/erase`);
    await expectAccessible(page);
    await shoot(page, SHOTS, 'exit-erase');

    // The message page itself was scanned with the CSRF rejection.
    const missing = await page.goto(`${harness.stack.appUrl}/admin/exits/x${'0'.repeat(24)}`);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('There is nothing here');
  });

  it('moves local time forward from the console and says what fired', async () => {
    await page.goto(`${harness.stack.appUrl}/admin/exits`);
    await page.fill('#travel-days', '2');
    await clickAndLoad('.travel button');

    expect(new URL(page.url()).pathname).toBe('/admin/exits');
    expect(await page.textContent('[role=status]')).toMatch(/clock moved 2 days forward/);
  });

  it('can be used with the keyboard alone, the focus always visible', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${harness.stack.appUrl}/admin/exits`);

    await page.keyboard.press('Tab');
    const skip = await page.evaluate('document.activeElement?.textContent');
    await page.keyboard.press('Enter');
    for (let presses = 0; presses < 30; presses += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(`document.activeElement?.getAttribute('href') === '/admin/insights'`))
        break;
    }
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(skip).toBe('Skip to the content');
    expect(outline).toBe('solid');
    expect(new URL(page.url()).pathname).toBe('/admin/insights');
  });

  it('throttles wrong passwords: the sixth attempt in a row is blocked', async () => {
    await clickAndLoad('.sign-out button');
    expect(await page.textContent('[role=status]')).toContain('You are signed out');

    const statuses: (number | undefined)[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push((await signIn('not the password at all'))?.status());
    }

    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await page.textContent('[role=alert]')).toContain('Too many attempts');
    await shoot(page, SHOTS, 'sign-in-throttled');
    // Even the right password waits out the lockout.
    expect((await signIn(operator.password))?.status()).toBe(429);
  });
});
