import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { normaliseHandover } from '../../functions/domain/handover.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { previewSite, renderPreviews } from '../../functions/rendering/preview-site.js';
import { CHROMIUM, type ChromiumPage, hasChromium, openChromiumPage } from '../support/browser.js';
import { buildExit } from '../support/exit-fixture.js';

/**
 * Loads every preview rendering (the six emails, plus one with very long unbroken user text) in
 * headless Chromium at phone and desktop widths. Set FAREWELL_SCREENSHOT_DIR to keep screenshots.
 */

if (!hasChromium) {
  console.warn(`email-layout: skipped, ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

const WIDTHS = [375, 1024] as const;
const screenshots = process.env.FAREWELL_SCREENSHOT_DIR;
const now = new Date();
const dir = mkdtempSync(join(tmpdir(), 'farewell-email-layout-'));
let browser: ChromiumPage | undefined;
let page: Page;

const renderer = new HandlebarsRenderer({
  branding: {
    firmName: 'Northwind Consulting',
    signature: 'Sam Rivera, Northwind Consulting',
    postalAddress: '12 Wharf Road, London N1 7GR, United Kingdom',
  },
  links: { publicUrl: 'https://farewell.example', keys: ['k'.repeat(32)] },
  clock: { now: () => now },
});

const previews = renderPreviews(renderer, now);
const files = [...previewSite(previews, now).keys()].filter(
  (file) => file.endsWith('.html') && file !== 'index.html',
);

function writeLongTextEmail(): void {
  const long = 'Supercalifragilisticexpialidocious'.repeat(6);
  const base = buildExit();
  const exit: Exit = {
    ...base,
    client: { ...base.client, name: long, company: long },
    handover: normaliseHandover([
      `https://files.example/${'a'.repeat(150)}`,
      { title: long, url: `https://files.example/${'b'.repeat(150)}`, note: long },
    ]),
  };
  const notice = exit.steps.notice;
  if (!notice) throw new Error('fixture has no notice');
  writeFileSync(join(dir, 'long-text.html'), renderer.render(exit, notice).html);
}

beforeAll(async () => {
  if (!hasChromium) return;
  for (const [file, { body }] of previewSite(previews, now)) writeFileSync(join(dir, file), body);
  writeLongTextEmail();
  if (screenshots) mkdirSync(screenshots, { recursive: true });
  browser = await openChromiumPage('email-layout-browser');
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(file: string, width: number, scheme: 'light' | 'dark' = 'light') {
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`file://${join(dir, file)}`);
}

/** Evaluates browser-side code given as a string: the project's types have no DOM library. */
function inPage<T>(expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

describe.skipIf(!hasChromium)('email layout in Chromium', () => {
  const cases = [...files, 'long-text.html'].flatMap((file) =>
    WIDTHS.map((width) => ({ file, width })),
  );

  it.each(cases)(
    'shows $file at $width px without horizontal scrolling',
    async ({ file, width }) => {
      await open(file, width);

      const { scrollWidth, innerWidth } = await inPage<{ scrollWidth: number; innerWidth: number }>(
        '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
      );

      if (screenshots) {
        await page.screenshot({
          path: join(screenshots, `${file.replace('.html', '')}-${width}.png`),
          fullPage: true,
        });
      }
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    },
  );

  it.each(files)('keeps the column of %s at most 600 px wide on a desktop', async (file) => {
    await open(file, 1024);

    const width = await inPage<number>(
      "document.querySelector('.container')?.getBoundingClientRect().width ?? 0",
    );

    expect(width).toBeGreaterThan(0);
    expect(width).toBeLessThanOrEqual(600);
  });

  it('keeps the text at least 16 px on a phone', async () => {
    await open('notice-firm.html', 375);

    const size = await inPage<number>(
      "parseFloat(getComputedStyle(document.querySelector('.card p')).fontSize)",
    );

    expect(size).toBeGreaterThanOrEqual(16);
  });

  it('switches to dark colours when the reader prefers a dark scheme', async () => {
    await open('survey.html', 375, 'dark');

    const colours = await inPage<{ background: string; text: string }>(`({
      background: getComputedStyle(document.querySelector('.card')).backgroundColor,
      text: getComputedStyle(document.querySelector('.card p')).color,
    })`);

    expect(colours).toEqual({ background: 'rgb(32, 35, 40)', text: 'rgb(232, 234, 237)' });
  });

  it.each(['notice-firm.html', 'notice-client.html', 'gratitude.html'])(
    'shows a visible link to the handover page in %s on a phone',
    async (file) => {
      await open(file, 375);

      const links = await inPage<{ width: number; height: number }[]>(
        `[...document.querySelectorAll('a[href^="https://farewell.example/h/"]')].map((a) => {
          const box = a.getBoundingClientRect();
          return { width: box.width, height: box.height };
        })`,
      );

      expect(links).toHaveLength(1);
      expect(links[0]?.width).toBeGreaterThan(0);
      expect(links[0]?.height).toBeGreaterThan(0);
    },
  );

  it('hides the preheader', async () => {
    await open('gratitude.html', 375);

    const visible = await page.isVisible('.preheader');

    expect(visible).toBe(false);
  });
});
