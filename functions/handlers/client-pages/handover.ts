import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Exit } from '../../domain/exit.js';
import type { HandoverChoice } from '../../domain/handover.js';
import { confirmReceipt, openHandover } from '../../domain/use-cases/confirm-handover.js';
import { handoverPageView } from '../../rendering/handover-page.js';
import { pageLang } from '../../rendering/survey-page.js';
import { CSRF_FIELD } from '../http/csrf.js';
import { readForm } from '../http/form-body.js';
import { htmlPage } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';
import {
  type ClientPageDeps,
  formProblemPage,
  linkProblemPage,
  messagePage,
  withErrorPage,
} from './shared.js';

/** Item ids we issue (`h1`…`h50`), or `all`; anything else is not one of our forms. */
const ITEM = /^(all|h[1-9][0-9]{0,2})$/;

function handoverPage(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
  exit: Exit,
  reply: { status?: number; flash?: string } = {},
): HttpResponse {
  const action = `/h/${token}`;
  const session = deps.csrf.session(event);
  const view = handoverPageView(exit, {
    now: deps.handover.clock.now(),
    action,
    csrf: deps.csrf.token(session.secret, action),
    firmName: deps.pages.brandName,
    contactEmail: deps.contactEmail ?? null,
    flash: reply.flash ?? null,
  });
  const html = deps.pages.render(
    'handover',
    { title: 'Your handover', lang: pageLang(exit) },
    view,
  );
  return htmlPage(reply.status ?? 200, html, {
    cookies: session.setCookie ? [session.setCookie] : [],
  });
}

/** `GET /h/{token}`: the handover items, where the work stands, how to reach us. Changes nothing. */
export function showHandover(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
): Promise<HttpResponse> {
  return withErrorPage(deps, async () => {
    const link = await openHandover(deps.handover, token);
    if (!link.ok) return linkProblemPage(deps, link.problem, 'handover');
    return handoverPage(deps, event, token, link.exit);
  });
}

/**
 * `POST /h/{token}`: one of the page's forms (`item` = an item id, or `all`), with its CSRF
 * token; confirms receipt and shows the page again with what changed.
 */
export function postHandover(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
): Promise<HttpResponse> {
  return withErrorPage(deps, async () => {
    const form = readForm(event);
    if (!form.ok) return formProblemPage(deps, form.status);
    if (!deps.csrf.verify(event, `/h/${token}`, form.fields[CSRF_FIELD])) {
      const link = await openHandover(deps.handover, token);
      if (!link.ok) return linkProblemPage(deps, link.problem, 'handover');
      return handoverPage(deps, event, token, link.exit, {
        status: 403,
        flash:
          'For your security, please press the button once more: we could not confirm the request came from this page. Nothing has been recorded yet.',
      });
    }
    const item = form.fields.item ?? '';
    if (!ITEM.test(item)) {
      return messagePage(deps, 400, 'We could not tell what you confirmed', [
        'Please go back to the page and press one of its buttons.',
      ]);
    }
    const choice: HandoverChoice = item === 'all' ? 'all' : { ids: [item] };
    const result = await confirmReceipt(deps.handover, token, choice);
    switch (result.outcome) {
      case 'link-problem':
        return linkProblemPage(deps, result.problem, 'handover');
      case 'unknown-item':
        return handoverPage(deps, event, token, result.exit, {
          status: 409,
          flash: 'That item is not on this list. Here is the list as it stands now.',
        });
      case 'unchanged':
        return handoverPage(deps, event, token, result.exit, {
          flash: 'You had already confirmed this. Thank you.',
        });
      case 'confirmed':
        return handoverPage(deps, event, token, result.exit, {
          flash:
            result.count === 1
              ? 'Thank you: we have noted that this item reached you.'
              : `Thank you: we have noted that these ${result.count} items reached you.`,
        });
    }
  });
}
