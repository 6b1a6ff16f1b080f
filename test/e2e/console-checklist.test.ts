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
import { CHEAP_PASSWORDS, startTestStack, type TestStack } from '../support/test-stack.js';
import { exitRequested } from '../support/webhooks.js';

/**
 * The checklist on the exit page in real Chromium, through the local stack: an exit started by a
 * webhook with its own overdue task shows in the exits list's "has overdue tasks" filter; on its
 * page the operator ticks, reopens, marks not needed, notes and adds tasks with plain forms (no
 * script needed), by keyboard too; axe-clean at 375 and 1280 px, nothing scrolls sideways.
 */

if (!hasChromium) console.warn(`console-checklist: skipped, ${CHROMIUM} is missing.`);

const SHOTS = resolve(process.env.FAREWELL_SCREENSHOT_DIR ?? 'test-artifacts', 'console');
let harness: TestStack;
let browser: ChromiumPage | undefined;
let page: Page;
let exitId = '';

async function clickAndLoad(selector: string): Promise<Response | null> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

async function exitOf(id: string): Promise<Exit> {
  const exit = await harness.stack.store.get(id);
  if (!exit) throw new Error(`exit ${id} missing`);
  return exit;
}

async function noHorizontalScroll(): Promise<void> {
  await page.setViewportSize({ width: 375, height: 900 });
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
}

async function accessibleAtBothWidths(): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
}

/** The page of the exit, scrolled nowhere in particular. */
const exitPage = () => page.goto(`${harness.stack.appUrl}/admin/exits/${exitId}`);

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  harness = await startTestStack({}, { passwordParams: CHEAP_PASSWORDS });
  const first = harness.stack.operator;
  if (first.password.source !== 'generated') throw new Error('expected a generated password');
  browser = await openChromiumPage('console-checklist');
  page = browser.page;
  await page.goto(`${harness.stack.appUrl}/admin/exits`);
  await page.fill('#email', first.email);
  await page.fill('#password', first.password.value);
  await clickAndLoad('button[type=submit]');
  const overdue = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const response = await harness.webhook(
    exitRequested({
      tasks: [{ title: 'Send the signed-off archive', dueOn: overdue, note: 'Ask Jo for the key' }],
    }),
  );
  exitId = ((await response.json()) as { exitId: string }).exitId;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe.skipIf(!hasChromium)('the checklist in the console', () => {
  it('lists the exit under "has overdue tasks", with its count', async () => {
    await page.goto(`${harness.stack.appUrl}/admin/exits`);
    await page.check('#overdue');
    await clickAndLoad('button:has-text("Show")');

    expect(new URL(page.url()).searchParams.get('overdue')).toBe('1');
    const row = page.locator('tbody tr', { has: page.locator(`a[href="/admin/exits/${exitId}"]`) });
    expect(await row.locator('[data-label=Tasks]').textContent()).toContain('1 overdue');
    await accessibleAtBothWidths();
    await noHorizontalScroll();
    await shoot(page, SHOTS, 'exits-overdue');
  });

  it('shows the planned checklist and the webhook task, overdue marked', async () => {
    await exitPage();

    const tasks = page.locator('.checklist > li');
    const exit = await exitOf(exitId);
    expect(await tasks.count()).toBe(Object.keys(exit.tasks ?? {}).length);
    const archive = page.locator('.task', { hasText: 'Send the signed-off archive' });
    expect(await archive.textContent()).toContain('Overdue');
    expect(await archive.textContent()).toContain('Ask Jo for the key');
    await accessibleAtBothWidths();
    await noHorizontalScroll();
    await shoot(page, SHOTS, 'exit-checklist');
  });

  it('ticks a task and opens it again', async () => {
    await exitPage();
    await clickAndLoad('#task-t1 button[value=tick]');

    expect(await page.textContent('[role=status]')).toContain('Task ticked off');
    expect(new URL(page.url()).hash).toBe('#task-t1');
    expect((await exitOf(exitId)).tasks?.t1?.state).toBe('done');
    await expectAccessible(page);

    await clickAndLoad('#task-t1 button[value=untick]');
    expect((await exitOf(exitId)).tasks?.t1?.state).toBe('open');
  });

  it('marks a task not needed', async () => {
    await exitPage();
    await clickAndLoad('#task-t2 button[value=not-needed]');

    expect((await exitOf(exitId)).tasks?.t2?.state).toBe('not-needed');
    expect(await page.locator('#task-t2 button[value=not-needed]').count()).toBe(0);
  });

  it('saves a note from the folded form', async () => {
    await exitPage();
    await page.click('#task-t3 summary');
    await page.fill('#note-t3', 'Waiting for the client\nto confirm');
    await clickAndLoad('#task-t3 button[value=note]');

    expect((await exitOf(exitId)).tasks?.t3?.note).toBe('Waiting for the client\nto confirm');
    expect(await page.locator('#task-t3 .task-note').textContent()).toContain('to confirm');
  });

  it('adds a task with the keyboard alone', async () => {
    await exitPage();
    await page.focus('#task-title');
    await page.keyboard.type('Book the farewell lunch');
    // A date field takes Tab between its own parts: the due date keeps its default.
    await page.focus('#task-note');
    await page.keyboard.type('A table for four');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(outline).toBe('solid');
    expect(await page.textContent('[role=status]')).toContain('Task added');
    const added = Object.values((await exitOf(exitId)).tasks ?? {}).find(
      (t) => t.title === 'Book the farewell lunch',
    );
    expect(added).toMatchObject({ note: 'A table for four', addedBy: 'console', state: 'open' });
    expect(await page.locator(`#task-${added?.id}`).count()).toBe(1);
  });

  it('records every change in the timeline', async () => {
    await exitPage();
    const timeline = await page.locator('.timeline').textContent();
    for (const label of [
      'Task done',
      'Task opened again',
      'Task not needed',
      'Task note',
      'Task added',
    ]) {
      expect(timeline).toContain(label);
    }
  });
});
