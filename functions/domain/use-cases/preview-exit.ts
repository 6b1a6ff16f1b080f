import type { Exit } from '../exit.js';
import type { ExitRequest } from '../exit-request.js';
import { emailHash } from '../ids.js';
import type { EmailRenderer, ExitStore, RenderedEmail, Suppression } from '../ports.js';
import { buildExit, type ExitOrigin, exitIdFor, type StartExitDeps } from './start-exit.js';
import { UNSUBSCRIBED } from './unsubscribe.js';

export interface PreviewExitDeps extends Pick<StartExitDeps, 'clock' | 'defaults' | 'rules'> {
  renderer: EmailRenderer;
  store: Pick<ExitStore, 'suppression'>;
  suppressionKey: string;
}

/**
 * Why some emails will not reach the address: `marketing` when the client unsubscribed (the
 * notice and the thank-you still go), `everything` after a bounce, a complaint or a rejection.
 */
export interface PreviewWarning {
  stops: 'marketing' | 'everything';
  suppression: Suppression;
}

export interface ExitPreview {
  /** The exit `startExit` would store for this request now (not stored). */
  exit: Exit;
  /** Its notice, as the client would receive it. */
  notice: RenderedEmail;
  /** Present when the address is on the suppression list. */
  warning?: PreviewWarning;
}

/**
 * What starting an exit would do, without doing it (stores and schedules nothing):
 * 1. Build the exit exactly as `startExit` builds it (same id for the same origin, every step
 *    planned in the client's zone).
 * 2. Render its notice email.
 * 3. Read the suppression list: warn when it will stop some emails.
 */
export async function previewExit(
  deps: PreviewExitDeps,
  request: ExitRequest,
  origin: ExitOrigin,
): Promise<ExitPreview> {
  const exit = buildExit(
    request,
    exitIdFor(origin),
    origin,
    deps.clock.now(),
    deps.defaults,
    deps.rules,
  );
  const step = exit.steps.notice;
  if (!step) throw new Error('a planned exit always has a notice');
  const notice = deps.renderer.render(exit, step);
  const suppression = await deps.store.suppression(
    emailHash(deps.suppressionKey, exit.client.email),
  );
  if (!suppression) return { exit, notice };
  const stops = suppression.reason === UNSUBSCRIBED ? 'marketing' : 'everything';
  return { exit, notice, warning: { stops, suppression } };
}

/** Pages of the store's search read per status: a warning, so bounded, never a full scan. */
const SEARCH_PAGES = 3;

/**
 * The running (active or paused) exits already started for this address, for the preview's
 * warning: starting another is allowed (a second engagement), but usually a mistake. Uses the
 * store's own search, a bounded number of pages per status.
 */
export async function runningExitsFor(store: ExitStore, email: string): Promise<Exit[]> {
  const address = email.trim().toLowerCase();
  const found: Exit[] = [];
  for (const status of ['active', 'paused'] as const) {
    let cursor: string | undefined;
    for (let page = 0; page < SEARCH_PAGES; page += 1) {
      const result = await store.listByStatus(status, {
        limit: 50,
        search: address,
        ...(cursor ? { cursor } : {}),
      });
      found.push(...result.exits.filter((exit) => exit.client.email.toLowerCase() === address));
      cursor = result.cursor;
      if (!cursor) break;
    }
  }
  return found;
}
