import { CSRF_FIELD } from '../http/csrf.js';
import { readForm } from '../http/form-body.js';
import type { HttpResponse } from '../http/responses.js';
import type { Signed } from './context.js';
import { messagePage } from './pages.js';
import { shellView } from './shell.js';

export type ConsoleForm =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; response: HttpResponse };

/** A signed-in form post: its fields once the body and its session-bound token check out. */
export function readConsoleForm(ctx: Signed, action: string): ConsoleForm {
  const form = readForm(ctx.event);
  if (!form.ok) {
    return {
      ok: false,
      response: messagePage(
        ctx.deps,
        shellView(ctx, null),
        form.status,
        'We could not read that form',
        [form.detail],
      ),
    };
  }
  const { [CSRF_FIELD]: token, ...fields } = form.fields;
  if (!ctx.deps.csrf.verifyBound(ctx.session.sessionId, action, token)) {
    ctx.deps.log.warn('console form rejected: CSRF token', { sessionId: ctx.session.sessionId });
    return {
      ok: false,
      response: messagePage(
        ctx.deps,
        shellView(ctx, null),
        403,
        'This form could not be confirmed',
        [
          'It did not come from this console session, or it was opened before you last signed in. Nothing has changed.',
          'Go back, reload the page, and send it again.',
        ],
        { href: '/admin/exits', label: 'Back to the exits' },
      ),
    };
  }
  return { ok: true, fields };
}
