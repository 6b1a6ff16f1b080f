import type { Exit } from '../exit.js';
import type { ExitRequest } from '../exit-request.js';
import type { EmailRenderer, ExitStore, RenderedEmail } from '../ports.js';
import { buildExit, type ExitOrigin, exitIdFor, type StartExitDeps } from './start-exit.js';

export interface PreviewExitDeps extends Pick<StartExitDeps, 'clock' | 'defaults' | 'rules'> {
  renderer: EmailRenderer;
}

export interface ExitPreview {
  /** The exit `startExit` would store for this request now (not stored). */
  exit: Exit;
  /** Its notice, as the client would receive it. */
  notice: RenderedEmail;
}

/**
 * What starting an exit would do, without doing it: the exit built exactly as `startExit`
 * builds it (same id for the same origin, every step planned in the client's zone) and the
 * notice email rendered from it. Stores and schedules nothing.
 */
export function previewExit(
  deps: PreviewExitDeps,
  request: ExitRequest,
  origin: ExitOrigin,
): ExitPreview {
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
  return { exit, notice: deps.renderer.render(exit, step) };
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
