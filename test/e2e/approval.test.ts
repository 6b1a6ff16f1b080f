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
import { waitFor } from '../support/ports.js';
import { CHEAP_PASSWORDS, startTestStack, type TestStack } from '../support/test-stack.js';
import { exitRequested } from '../support/webhooks.js';

/**
 * Approval before a webhook's notice, through the local stack with `FAREWELL_NOTICE_APPROVAL`
 * `webhook`, in real Chromium: the exit waits and nothing is sent; the operator reads the
 * notice, adds a personal paragraph and approves; the notice then goes out with it. A second
 * exit is discarded. Each page is scanned with axe at 375 and 1280 px.
 */

if (!hasChromium) console.warn(`approval: skipped, ${CHROMIUM} is missing.`);

const SHOTS = resolve(process.env.FAREWELL_SCREENSHOT_DIR ?? 'test-artifacts', 'approval');
const PARAGRAPH = 'It was a pleasure to build the compiler with you <3 & your team.';
let harness: TestStack;
let browser: ChromiumPage | undefined;
let page: Page;

async function clickAndLoad(selector: string): Promise<Response | null> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

async function exitOf(exitId: string): Promise<Exit> {
  const exit = await harness.stack.store.get(exitId);
  if (!exit) throw new Error(`exit ${exitId} missing`);
  return exit;
}

async function startByWebhook(): Promise<{ exitId: string; email: string }> {
  const payload = exitRequested();
  const email = (payload.data as { client: { email: string } }).client.email;
  const response = await harness.webhook(payload);
  expect(response.status).toBe(202);
  const { exitId } = (await response.json()) as { exitId: string };
  return { exitId, email };
}

/** Axe-clean, and nothing wider than the phone's screen, at both widths. */
async function checkBothWidths(name: string): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
  }
  await shoot(page, SHOTS, name);
}

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  harness = await startTestStack(
    { FAREWELL_NOTICE_APPROVAL: 'webhook' },
    { passwordParams: CHEAP_PASSWORDS },
  );
  const first = harness.stack.operator;
  if (first.password.source !== 'generated') throw new Error('expected a generated password');
  browser = await openChromiumPage('approval', { timezoneId: 'America/New_York' });
  page = browser.page;
  await page.goto(`${harness.stack.appUrl}/admin/sign-in`);
  await page.fill('#email', first.email);
  await page.fill('#password', first.password.value);
  await clickAndLoad('button[type=submit]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe.skipIf(!hasChromium)('approval before a webhook notice', () => {
  it('holds a webhook exit: awaiting approval, no email, listed under its status', async () => {
    const { exitId, email } = await startByWebhook();
    // Long enough for a notice due at once to have fired, had it been scheduled.
    await harness.travel(1);

    expect((await exitOf(exitId)).status).toBe('awaiting-approval');
    expect(await harness.emailsTo(email)).toEqual([]);
    await page.goto(`${harness.stack.appUrl}/admin/exits?status=awaiting-approval`);
    expect(await page.locator('tbody').textContent()).toContain('Grace Hopper');
  });

  it('approves with a personal paragraph: the notice goes out containing it', async () => {
    const { exitId, email } = await startByWebhook();
    await page.goto(`${harness.stack.appUrl}/admin/exits/${exitId}`);

    expect(await page.textContent('.badge')).toBe('Awaiting approval');
    expect(await page.textContent('.notice-text')).toContain('Dear Grace');
    await checkBothWidths('exit-awaiting');
    await page.fill('#personal-note', PARAGRAPH);
    await clickAndLoad('button:has-text("Approve and send the notice")');

    expect(await page.textContent('[role=status]')).toContain('Approved');
    expect(await page.textContent('.badge')).toBe('Active');
    expect(await page.locator('.timeline').textContent()).toContain('with a personal paragraph');
    const notice = await waitFor(async () => (await harness.emailsTo(email))[0], 10_000);
    expect(notice?.body.text).toContain(PARAGRAPH);
    expect(notice?.body.html).toContain(
      'It was a pleasure to build the compiler with you &lt;3 &amp; your team.',
    );
    // The email reaches the SES store just before send-step commits the step as sent.
    const sent = await waitFor(async () => {
      const state = (await exitOf(exitId)).steps.notice?.state;
      return state === 'sent' ? state : undefined;
    }, 10_000);
    expect(sent).toBe('sent');
    await checkBothWidths('exit-approved');
    // Two axe scans and screenshots at each width, on a busy machine.
  }, 120_000);

  it('prints the exit record: who, why, the notice sent with its subject, the timeline', async () => {
    const { exitId, email } = await startByWebhook();
    await page.goto(`${harness.stack.appUrl}/admin/exits/${exitId}`);
    await clickAndLoad('button:has-text("Approve and send the notice")');
    const notice = await waitFor(async () => (await harness.emailsTo(email))[0], 10_000);
    await waitFor(
      async () => ((await exitOf(exitId)).steps.notice?.state === 'sent' ? true : undefined),
      8_000,
    );
    await clickAndLoad('text=The exit record, to print or keep');

    expect(new URL(page.url()).pathname).toBe(`/admin/exits/${exitId}/record`);
    expect(await page.textContent('h1')).toBe('Exit record: Grace Hopper');
    const emails = await page.locator('.record-table').textContent();
    expect(emails).toContain('Notice');
    expect(emails).toContain(notice?.subject ?? 'no subject');
    expect(await page.locator('.timeline').textContent()).toContain('Notice approved');
    await checkBothWidths('exit-record');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  }, 120_000);

  it('discards an exit: cancelled, and the client hears nothing', async () => {
    const { exitId, email } = await startByWebhook();
    await page.goto(`${harness.stack.appUrl}/admin/exits/${exitId}`);
    await clickAndLoad('button:has-text("Discard the exit")');

    expect(await page.textContent('[role=status]')).toContain('Discarded');
    expect((await exitOf(exitId)).status).toBe('cancelled');
    await harness.travel(1);
    expect(await harness.emailsTo(email)).toEqual([]);
  });

  it('refuses an approval posted without its CSRF token (403)', async () => {
    const { exitId } = await startByWebhook();
    const response = await page.request.post(
      `${harness.stack.appUrl}/admin/exits/${exitId}/approve`,
      { form: { personalNote: 'no token' } },
    );
    expect(response.status()).toBe(403);
    expect((await exitOf(exitId)).status).toBe('awaiting-approval');
  });
});
