import type { FormView } from '../../rendering/console/views.js';
import type { Signed } from './context.js';

/** A POST form of a signed-in page, with its token bound to this session and action. */
export function formFor(ctx: Signed, action: string): FormView {
  return { action, csrf: ctx.deps.csrf.bound(ctx.session.sessionId, action) };
}
