import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../functions/domain/link-token.js';
import {
  CHROMIUM,
  type ChromiumPage,
  expectAccessible,
  hasChromium,
  openChromiumPage,
  shoot,
} from '../support/browser.js';
import { type SurveyedExit, startSurveyedExits, storedExit } from '../support/surveyed-exits.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/**
 * The client pages in real Chromium, through the local stack: the survey link taken from the
 * delivered email, answered by mouse and by keyboard alone, revised; the unsubscribe page; bad
 * links. Every page is scanned with axe-core. Screenshots at 375 and 1280 px are kept in
 * `test-artifacts/client-pages/` (git-ignored), or in FAREWELL_SCREENSHOT_DIR.
 */

if (!hasChromium) {
  console.warn(`client-pages: skipped, ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

const SHOTS = resolve(process.env.FAREWELL_SCREENSHOT_DIR ?? 'test-artifacts/client-pages');
let harness: TestStack;
let browser: ChromiumPage | undefined;
let page: Page;

let mouseExit: SurveyedExit;
let keyboardExit: SurveyedExit;

const exitOf = (exitId: string) => storedExit(harness, exitId);

/** A link from the email's HTML, e.g. the 0–10 scale's `?score=7`. */
function linkIn(html: string, pattern: RegExp): string {
  const href = [...html.matchAll(/href="([^"]+)"/g)]
    .map((m) => (m[1] ?? '').replaceAll('&amp;', '&'))
    .find((url) => pattern.test(url));
  if (!href) throw new Error(`no link matching ${pattern}`);
  return href;
}

async function noHorizontalScroll(): Promise<void> {
  const { scrollWidth, innerWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  )) as { scrollWidth: number; innerWidth: number };
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** Presses Tab until the focused element matches `selector`; fails if it never does. */
async function tabTo(selector: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  harness = await startTestStack();
  const [first, second] = await startSurveyedExits(harness, 2);
  if (!first || !second) throw new Error('exits not started');
  [mouseExit, keyboardExit] = [first, second];
  browser = await openChromiumPage('client-pages');
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe.skipIf(!hasChromium)('the survey in Chromium', () => {
  it('opens from the score the client clicked in the email, on a phone, accessible', async () => {
    await page.setViewportSize({ width: 375, height: 800 });

    const response = await page.goto(linkIn(mouseExit.survey.body.html, /\/s\/.*\?score=7$/));

    expect(response?.status()).toBe(200);
    expect(await page.isChecked('#score-7')).toBe(true);
    await noHorizontalScroll();
    await expectAccessible(page);
    await shoot(page, SHOTS, 'survey');
  });

  it('shows each problem next to its field when required answers are missing', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(linkIn(mouseExit.survey.body.html, /\/s\/[^?]+$/));

    await page.click('button[type=submit]');

    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.textContent('#field-score-error')).toContain('Please choose a number');
    expect(await page.textContent('#field-reason-error')).toContain(
      'Please choose the main reason',
    );
    expect(await page.getAttribute('#field-reason-error', 'id')).toBe('field-reason-error');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'survey-errors');
  });

  it('stores the answers, thanks the client, and shows them in the timeline', async () => {
    await page.goto(linkIn(mouseExit.survey.body.html, /\/s\/.*\?score=4$/));

    await page.click('label[for=reason-communication]');
    await page.fill('#field-whatWorked', 'The design work was excellent.');
    await page.fill('#field-whatDidNot', 'Replies often took a week.');
    await page.click('label[for=winBack-maybe]');
    await page.fill('#field-testimonial', 'A thoughtful, careful team.');
    await page.click('label[for=publishAs-company]');
    await page.click('button[type=submit]');

    expect(await page.textContent('h1')).toBe('Thank you');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'survey-thanks');
    const exit = await exitOf(mouseExit.exitId);
    expect(exit.survey).toMatchObject({
      revision: 1,
      answers: { score: 4, reason: 'communication', winBack: 'maybe', publishAs: 'company' },
      consent: { scope: 'company' },
    });
    expect(exit.steps['survey-reminder']?.state).toBe('skipped');
    expect(exit.timeline.find((e) => e.event === 'survey.answered')?.detail).toContain(
      'Score 4/10; reason: Communication or responsiveness',
    );
    const toOperator = await harness.emailsTo('sam@northwind.example');
    expect(toOperator.some((e) => e.body.text?.includes('Replies often took a week.'))).toBe(true);
  });

  it('lets the client revise: answers filled in, changes saved as a new revision', async () => {
    await page.click('text=change your answers');

    expect(await page.isChecked('#reason-communication')).toBe(true);
    expect(await page.inputValue('#field-whatDidNot')).toBe('Replies often took a week.');
    await page.click('label[for=score-8]');
    await page.click('label[for=publishAs-private]');
    await page.click('button[type=submit]');

    expect(await page.textContent('h1')).toBe('Your changes are saved');
    const exit = await exitOf(mouseExit.exitId);
    expect(exit.survey).toMatchObject({ revision: 2, answers: { score: 8 } });
    expect(exit.survey?.consent?.withdrawnAt).toBeDefined();
  });

  it('can be answered with the keyboard alone, with the focus always visible', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(linkIn(keyboardExit.survey.body.html, /\/s\/[^?]+$/));

    await tabTo('#score-0');
    const outline = await page.evaluate(
      "getComputedStyle(document.querySelector('label[for=score-0]')).outlineStyle",
    );
    for (let n = 0; n < 9; n += 1) await page.keyboard.press('ArrowRight');
    await tabTo('[name=reason]');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await tabTo('#field-improve');
    await page.keyboard.type('Keep the weekly call.');
    await tabTo('button[type=submit]');
    // The URL matches /s/ before and after the post: wait for the navigation itself.
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(outline).toBe('solid');
    expect(await page.textContent('h1')).toBe('Thank you');
    const exit = await exitOf(keyboardExit.exitId);
    expect(exit.survey?.answers).toEqual({
      score: 9,
      reason: 'needs-changed',
      improve: 'Keep the weekly call.',
    });
  });

  it('shows a friendly page for a tampered link (404) and an expired one (410)', async () => {
    const good = linkIn(keyboardExit.survey.body.html, /\/s\/[^?]+$/);
    const now = await harness.travel(0);
    const expired = signLinkToken(harness.stack.secrets.FAREWELL_LINK_KEYS.split(/\s+/), {
      exitId: keyboardExit.exitId,
      purpose: 'survey',
      expiresAt: Math.floor(now.toSeconds()) - 1,
    });

    const tampered = await page.goto(`${good.slice(0, -4)}AAAA`);
    const tamperedHeading = await page.textContent('h1');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'link-tampered');
    const closed = await page.goto(`${harness.stack.appUrl}/s/${expired}`);

    expect(tampered?.status()).toBe(404);
    expect(tamperedHeading).toBe('This link does not work');
    expect(closed?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('This survey has closed');
    expect(await page.content()).not.toMatch(/Error:|at \w+ \(|\.ts:\d+/);
  });
});

describe.skipIf(!hasChromium)('the unsubscribe page in Chromium', () => {
  it('offers stop and pause, and stopping offers the way back in', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(linkIn(keyboardExit.survey.body.html, /\/u\//));
    await expectAccessible(page);
    await shoot(page, SHOTS, 'unsubscribe');

    await page.click('text=Stop all emails >> xpath=ancestor-or-self::button');

    expect(await page.textContent('[role=status]')).toContain(
      'you will not receive any more emails',
    );
    expect((await exitOf(keyboardExit.exitId)).steps['check-in-1']?.state).toBe('skipped');
    await expectAccessible(page);
    await shoot(page, SHOTS, 'unsubscribed');
    await page.click('text=Email me again');
    expect(await page.textContent('[role=status]')).toContain('Welcome back');
  });
});
