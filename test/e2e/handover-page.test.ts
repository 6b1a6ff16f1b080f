import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasureOf } from '../../functions/domain/erasure.js';
import {
  CHROMIUM,
  type ChromiumPage,
  expectAccessible,
  hasChromium,
  openChromiumPage,
  shoot,
} from '../support/browser.js';
import { waitFor } from '../support/ports.js';
import { storedExit } from '../support/surveyed-exits.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { exitRequested } from '../support/webhooks.js';

/**
 * The client's handover page in real Chromium, through the local stack: the link taken from the
 * delivered notice, read on a phone and a desktop, items confirmed by keyboard alone and all at
 * once by mouse, scanned with axe-core; a forged post and an erased exit change nothing.
 */

if (!hasChromium) {
  console.warn(`handover-page: skipped, ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

const SHOTS = resolve(process.env.FAREWELL_SCREENSHOT_DIR ?? 'test-artifacts/client-pages');
const HANDOVER = [
  { title: 'Source code of the portal', url: 'https://git.example.com/portal' },
  { title: 'Hosting credentials', note: 'Moved to your password manager on Monday.' },
  'Runbooks',
];
let harness: TestStack;
let browser: ChromiumPage | undefined;
let page: Page;
let exitId: string;
let handoverUrl: string;

/** Starts an exit with the handover items, waits for its notice, returns the page link in it. */
async function startExit(): Promise<{ exitId: string; url: string; text: string }> {
  const now = await harness.travel(0);
  const payload = exitRequested({
    effectiveOn: now.plus({ days: 5 }).toISODate(),
    handover: HANDOVER,
  });
  const email = (payload.data as { client: { email: string } }).client.email;
  const response = await harness.webhook(payload);
  const { exitId: id } = (await response.json()) as { exitId: string };
  const notice = await waitFor(async () => (await harness.emailsTo(email))[0], 5_000);
  if (!notice) throw new Error('no notice delivered');
  const url = notice.body.html?.match(/href="([^"]+\/h\/[^"]+)"/)?.[1];
  if (!url) throw new Error('no handover link in the notice');
  return { exitId: id, url, text: notice.body.text ?? '' };
}

async function noHorizontalScroll(): Promise<void> {
  const { scrollWidth, innerWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  )) as { scrollWidth: number; innerWidth: number };
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  harness = await startTestStack();
  const started = await startExit();
  exitId = started.exitId;
  handoverUrl = started.url;
  browser = await openChromiumPage('handover-page');
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe.skipIf(!hasChromium)('the handover page in Chromium', () => {
  it('shows the items with their links and notes on a phone, accessible', async () => {
    await page.setViewportSize({ width: 375, height: 800 });

    const response = await page.goto(handoverUrl);

    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('a[href="https://git.example.com/portal"]', 'rel')).toBe(
      'noopener noreferrer',
    );
    expect(await page.textContent('main')).toContain('Moved to your password manager on Monday.');
    expect(await page.textContent('main')).toContain('Our work for you continues until');
    expect(await page.locator('text=I have received this').count()).toBe(3);
    await noHorizontalScroll();
    await expectAccessible(page);
    await shoot(page, SHOTS, 'handover');
  });

  it('confirms one item with the keyboard alone', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(handoverUrl);

    for (let presses = 0; presses < 40; presses += 1) {
      await page.keyboard.press('Tab');
      const text = await page.evaluate('document.activeElement?.textContent ?? ""');
      if (text === 'I have received this') break;
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(await page.textContent('.flash')).toContain('this item reached you');
    expect(await page.locator('text=I have received this').count()).toBe(2);
    await expectAccessible(page);
    await shoot(page, SHOTS, 'handover-confirmed');
    const exit = await storedExit(harness, exitId);
    expect(exit.handover.map((item) => Boolean(item.confirmedAt))).toEqual([true, false, false]);
  });

  it('confirms the rest at once with one button, each recorded in the timeline', async () => {
    await page.click('text=I have received everything');

    expect(await page.textContent('.flash')).toContain('these 2 items reached you');
    expect(await page.textContent('main')).toContain('You have confirmed all 3 items');
    await expectAccessible(page);
    const exit = await storedExit(harness, exitId);
    expect(exit.handover.every((item) => item.confirmedAt)).toBe(true);
    expect(exit.timeline.filter((e) => e.event === 'handover.confirmed')).toHaveLength(2);
  });

  it('refuses a post without the page token, and records nothing', async () => {
    const started = await startExit();

    const response = await fetch(started.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'item=all&csrf=forged',
    });

    expect(response.status).toBe(403);
    const exit = await storedExit(harness, started.exitId);
    expect(exit.handover.some((item) => item.confirmedAt)).toBe(false);
    expect(started.text).toContain(started.url);
  });

  it('answers 410 with no form once the exit is erased', async () => {
    const started = await startExit();
    const exit = await storedExit(harness, started.exitId);
    await harness.stack.store.erase(exit.id, erasureOf(exit, new Date().toISOString(), 'test'));

    const responses = [
      await fetch(started.url),
      await fetch(started.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'item=all&csrf=x',
      }),
    ];

    for (const response of responses) {
      expect(response.status).toBe(410);
      expect(await response.text()).not.toContain('<form');
    }
  });
});
