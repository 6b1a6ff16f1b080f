import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  openPreferences,
  type Preferences,
  pauseEmails,
  resubscribe,
  UNSUBSCRIBED,
  unsubscribe,
} from '../../domain/use-cases/unsubscribe.js';
import { clientDay, pageLang } from '../../rendering/survey-page.js';
import { CSRF_FIELD } from '../http/csrf.js';
import { isOneClickUnsubscribe, readForm } from '../http/form-body.js';
import { htmlPage } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';
import {
  type ClientPageDeps,
  formProblemPage,
  linkProblemPage,
  messagePage,
  withErrorPage,
} from './shared.js';

function preferencesPage(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
  preferences: Preferences,
  reply: { status?: number; flash?: string } = {},
): HttpResponse {
  const action = `/u/${token}`;
  const session = deps.csrf.session(event);
  const { exit, suppression, nextCheckInAt } = preferences;
  const html = deps.pages.render(
    'preferences',
    { title: 'Your email preferences', lang: pageLang(exit) },
    {
      action,
      csrf: deps.csrf.token(session.secret, action),
      flash: reply.flash ?? null,
      suppressed: suppression !== undefined,
      canResubscribe: suppression?.reason === UNSUBSCRIBED,
      nextCheckIn: nextCheckInAt ? clientDay(exit, nextCheckInAt) : null,
    },
  );
  return htmlPage(reply.status ?? 200, html, {
    cookies: session.setCookie ? [session.setCookie] : [],
  });
}

/** `GET /u/{token}`: the choices (stop, pause, come back). Shows; never changes anything. */
export function showPreferences(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
): Promise<HttpResponse> {
  return withErrorPage(deps, async () => {
    const result = await openPreferences(deps.preferences, token);
    if (!result.ok) return linkProblemPage(deps, result.problem, 'unsubscribe');
    return preferencesPage(deps, event, token, result);
  });
}

/**
 * `POST /u/{token}`. The RFC 8058 one-click post (body `List-Unsubscribe=One-Click`, sent by the
 * mail client without cookies) unsubscribes at once and answers 200 with a small page: no
 * redirect, no cookie. Any other post is one of the page's own forms and must carry its CSRF token.
 */
export function postPreferences(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
): Promise<HttpResponse> {
  return withErrorPage(deps, async () => {
    if (isOneClickUnsubscribe(event)) {
      const result = await unsubscribe(deps.preferences, token, 'one-click');
      if (!result.ok) return linkProblemPage(deps, result.problem, 'unsubscribe');
      const html = deps.pages.render(
        'unsubscribed',
        { title: 'You are unsubscribed', lang: pageLang(result.exit) },
        { firmName: deps.pages.brandName },
      );
      return htmlPage(200, html);
    }
    const form = readForm(event);
    if (!form.ok) return formProblemPage(deps, form.status);
    if (!deps.csrf.verify(event, `/u/${token}`, form.fields[CSRF_FIELD])) {
      const result = await openPreferences(deps.preferences, token);
      if (!result.ok) return linkProblemPage(deps, result.problem, 'unsubscribe');
      return preferencesPage(deps, event, token, result, {
        status: 403,
        flash:
          'For your security, please choose once more: we could not confirm the request came from this page. Nothing has changed yet.',
      });
    }
    switch (form.fields.action) {
      case 'stop': {
        const result = await unsubscribe(deps.preferences, token, 'page');
        if (!result.ok) return linkProblemPage(deps, result.problem, 'unsubscribe');
        return preferencesPage(deps, event, token, result, {
          flash: 'Done: you will not receive any more emails from us.',
        });
      }
      case 'pause': {
        const result = await pauseEmails(deps.preferences, token);
        if (!result.ok) return linkProblemPage(deps, result.problem, 'unsubscribe');
        const next = result.nextCheckInAt ? clientDay(result.exit, result.nextCheckInAt) : null;
        return preferencesPage(deps, event, token, result, {
          flash: next
            ? `Done: nothing from us for six months. The next hello is planned for ${next}.`
            : 'Done: nothing more is planned for you.',
        });
      }
      case 'resubscribe': {
        const result = await resubscribe(deps.preferences, token);
        if (!result.ok) return linkProblemPage(deps, result.problem, 'unsubscribe');
        return preferencesPage(deps, event, token, result, {
          ...(result.changed ? { flash: 'Welcome back: we will be in touch now and then.' } : {}),
        });
      }
      default:
        return messagePage(deps, 400, 'We could not tell what you chose', [
          'Please go back to the page and press one of its buttons.',
        ]);
    }
  });
}
