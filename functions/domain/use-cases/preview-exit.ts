import type { Exit } from '../exit.js';
import type { ExitRequest } from '../exit-request.js';
import type { EmailRenderer, RenderedEmail } from '../ports.js';
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
