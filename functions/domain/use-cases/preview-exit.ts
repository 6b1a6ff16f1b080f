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
 * What starting an exit would do, without doing it: the exit built exactly as `startExit`
 * builds it (same id for the same origin, every step planned in the client's zone), the
 * notice email rendered from it, and whether the suppression list will stop some emails.
 * Stores and schedules nothing.
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
