import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * Headless Chromium with a fresh profile in `profileDir`, without the background traffic this
 * machine's closed network would refuse.
 */
export function launchChromium(
  profileDir: string,
  options: { timezoneId?: string } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A page in headless Chromium, for one test file. */
export interface ChromiumPage {
  page: Page;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Opens one page in Chromium (`launchChromium`) with a fresh profile in the temp folder. */
export async function openChromiumPage(
  name: string,
  options: { timezoneId?: string } = {},
): Promise<ChromiumPage> {
  const profile = mkdtempSync(join(tmpdir(), `farewell-${name}-`));
  const context = await launchChromium(profile, options);
  return {
    page: await context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Full-page screenshots at phone and desktop widths, kept as test artifacts. */
export async function shoot(page: Page, dir: string, name: string): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
}

/** Fails on serious or critical axe violations (WCAG 2.1 A/AA and best practices). */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
  // Proof the scan ran on the page: an empty result from a scan that did nothing would pass too.
  expect(results.passes.length).toBeGreaterThan(10);
  if (process.env.FAREWELL_AXE_REPORT) {
    const all = results.violations.map((v) => `${v.impact} ${v.id}`);
    // Link tokens live in client-page paths: never print them.
    const where = new URL(page.url()).pathname.replace(/\/[su]\/.*/, '/…');
    console.info(
      `axe ${where}: ${results.passes.length} passed; ${all.join(', ') || 'no violations'}`,
    );
  }
}
