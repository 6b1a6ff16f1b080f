import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type SessionResult,
  signIn,
  signOut,
  verifySession,
} from '../../domain/use-cases/operators.js';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from '../http/cookies.js';
import { CSRF_FIELD } from '../http/csrf.js';
import { readForm } from '../http/form-body.js';
import type { HttpResponse } from '../http/responses.js';
import type { ConsoleDeps, Signed } from './context.js';
import { safeNext } from './next-path.js';
import { consolePage, messagePage, redirect } from './pages.js';
import { readConsoleForm } from './read-form.js';

const ACTION = '/admin/sign-in';

/** The session of a request's cookie, checked against the operator (one read). */
export function currentSession(
  deps: ConsoleDeps,
  event: APIGatewayProxyEventV2,
): Promise<SessionResult> {
  const cookies = event.cookies ?? event.headers?.cookie;
  return verifySession(deps.operators, readSessionCookie(cookies, { secure: deps.secure }));
}

function signInForm(
  deps: ConsoleDeps,
  event: APIGatewayProxyEventV2,
  reply: {
    status: number;
    next: string;
    email?: string;
    problem?: string;
    flash?: string;
    headers?: Record<string, string>;
  },
): HttpResponse {
  const csrf = deps.csrf.session(event);
  const title = reply.problem ? 'Error: Sign in' : 'Sign in';
  return consolePage(
    deps,
    reply.status,
    'console/sign-in',
    title,
    {
      shell: null,
      action: ACTION,
      csrf: deps.csrf.token(csrf.secret, ACTION),
      next: reply.next,
      email: reply.email ?? '',
      problem: reply.problem ?? null,
      flash: reply.flash ?? null,
    },
    {
      cookies: csrf.setCookie ? [csrf.setCookie] : [],
      ...(reply.headers ? { headers: reply.headers } : {}),
    },
  );
}

/** `GET /admin/sign-in`: the form, or straight on when already signed in. */
export async function showSignIn(
  deps: ConsoleDeps,
  event: APIGatewayProxyEventV2,
): Promise<HttpResponse> {
  const next = safeNext(event.queryStringParameters?.next);
  if ((await currentSession(deps, event)).ok) return redirect(next);
  const signedOut = event.queryStringParameters?.['signed-out'] !== undefined;
  return signInForm(deps, event, {
    status: 200,
    next,
    ...(signedOut ? { flash: 'You are signed out.' } : {}),
  });
}

function minutes(seconds: number): string {
  const count = Math.max(1, Math.ceil(seconds / 60));
  return count === 1 ? 'a minute' : `${count} minutes`;
}

/**
 * `POST /admin/sign-in`. The form carries a CSRF token without a session (a signed double-submit
 * cookie), so no other site can sign a browser into an account of its choosing. Every success
 * issues a new session with a fresh random id, whatever cookie came in: a session planted before
 * sign-in is never the one that gets signed in (no fixation).
 */
export async function submitSignIn(
  deps: ConsoleDeps,
  event: APIGatewayProxyEventV2,
): Promise<HttpResponse> {
  const form = readForm(event);
  if (!form.ok) {
    return messagePage(deps, null, form.status, 'We could not read that form', [form.detail], {
      href: ACTION,
      label: 'Back to sign in',
    });
  }
  const { email = '', password = '', next: rawNext, [CSRF_FIELD]: token } = form.fields;
  const next = safeNext(rawNext);
  if (!deps.csrf.verify(event, ACTION, token)) {
    return signInForm(deps, event, {
      status: 403,
      next,
      email,
      problem:
        'For your security, please sign in once more: the form could not be confirmed as ours.',
    });
  }
  const result = await signIn(deps.operators, { email, password });
  if (result.ok) {
    // Sessions live on the real clock (see verifySession): the cookie's age follows the session.
    const cookie = sessionCookie(result.token, result.session, result.session.issuedAt, {
      secure: deps.secure,
    });
    return redirect(next, [cookie]);
  }
  if (result.reason === 'throttled') {
    return signInForm(deps, event, {
      status: 429,
      next,
      email,
      headers: { 'retry-after': String(result.retryAfterSeconds) },
      problem: `Too many attempts to sign in with this email. For your security, signing in is paused: try again in ${minutes(result.retryAfterSeconds)}, or ask someone with the command line to run farewell operator unlock.`,
    });
  }
  return signInForm(deps, event, {
    status: 401,
    next,
    email,
    problem: 'That email and password do not match. Check both and try again.',
  });
}

/** `POST /admin/sign-out`: ends every session of the operator and removes the cookie. */
export async function submitSignOut(ctx: Signed): Promise<HttpResponse> {
  const form = readConsoleForm(ctx, '/admin/sign-out');
  if (!form.ok) return form.response;
  await signOut(ctx.deps.operators, ctx.session);
  return redirect('/admin/sign-in?signed-out', [clearedSessionCookie({ secure: ctx.deps.secure })]);
}
