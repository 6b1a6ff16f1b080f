import type { EventLog } from '../../domain/ports.js';
import type { SurveyDeps } from '../../domain/use-cases/answer-survey.js';
import type { LinkProblem } from '../../domain/use-cases/client-link.js';
import type { HandoverDeps } from '../../domain/use-cases/confirm-handover.js';
import type { PreferencesDeps } from '../../domain/use-cases/unsubscribe.js';
import type { PageRenderer } from '../../rendering/page-renderer.js';
import type { Csrf } from '../http/csrf.js';
import { type ErrorRendering, responseFor } from '../http/errors.js';
import { htmlPage } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';

/** What the client pages (survey, unsubscribe) need, built once by the composition root. */
export interface ClientPageDeps {
  survey: SurveyDeps;
  preferences: PreferencesDeps;
  /** The handover page (`/h/{token}`). */
  handover: HandoverDeps;
  /** Where the handover page says the client may write (reply-to, else the sender). */
  contactEmail?: string;
  pages: PageRenderer;
  csrf: Csrf;
  /** The closing line under the thank-you, as in the emails. */
  signature: string;
  log: EventLog;
}

/** A page that only says something, e.g. that a link does not work. */
export function messagePage(
  deps: Pick<ClientPageDeps, 'pages'>,
  status: number,
  heading: string,
  paragraphs: string[],
): HttpResponse {
  return htmlPage(
    status,
    deps.pages.render('message', { title: heading }, { heading, paragraphs }),
  );
}

/**
 * A link that opens nothing. Tampered, truncated or unknown links answer 404: the address names
 * nothing we issued, and there is nothing the client could fix in the request (400 would say
 * otherwise). An expired link answers 410 Gone: it was real, and it closed on purpose.
 */
export function linkProblemPage(
  deps: Pick<ClientPageDeps, 'pages'>,
  problem: LinkProblem,
  purpose: 'survey' | 'unsubscribe' | 'handover',
): HttpResponse {
  if (problem === 'erased') {
    // Plain on purpose: no form, and nothing about the client, whose data is gone.
    return messagePage(deps, 410, 'This link no longer works', [
      'We have deleted the details this link belonged to, so it no longer opens anything, and we will not email this address about it again.',
      'If there is something you would like to tell us, simply reply to one of our emails.',
    ]);
  }
  if (problem === 'expired' && purpose === 'survey') {
    return messagePage(deps, 410, 'This survey has closed', [
      'Thank you for wanting to answer. The survey stays open for a couple of months after we send it, and this one has now closed.',
      'If there is something you would still like to tell us, simply reply to one of our emails: a person reads every reply.',
    ]);
  }
  if (problem === 'expired' && purpose === 'handover') {
    return messagePage(deps, 410, 'This link has expired', [
      'Handover links work for a little over a year. If you still need something we handed over, reply to one of our emails and we will gladly send it again.',
    ]);
  }
  if (problem === 'expired') {
    return messagePage(deps, 410, 'This link has expired', [
      'Unsubscribe links work for a little over a year. To stop our emails, use the link in our most recent email, or reply to it and we will take you off our list.',
    ]);
  }
  return messagePage(deps, 404, 'This link does not work', [
    'It may have been cut short or changed on the way. Please open it again from the email, or copy the whole link into your browser.',
    'If it still does not work, simply reply to one of our emails.',
  ]);
}

/**
 * How errors read on the client pages. Their use cases answer link problems as values, so a
 * missing exit or a bad field thrown here is a defect of ours, and answers the plain 500 page.
 */
function clientPageErrors(deps: Pick<ClientPageDeps, 'pages'>): ErrorRendering {
  return {
    subject: 'client page',
    409: () =>
      messagePage(deps, 409, 'Please try once more', [
        'Something changed at the very moment you sent this, so nothing was saved. Please go back and send it again.',
      ]),
    500: () =>
      messagePage(deps, 500, 'Something went wrong on our side', [
        'Nothing you did caused this. Please try again in a few minutes.',
      ]),
  };
}

/**
 * Runs a page handler; what it throws becomes an HTML page, never JSON or a stack trace. Only the
 * error's name is logged.
 */
export async function withErrorPage(
  deps: Pick<ClientPageDeps, 'pages' | 'log'>,
  handle: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  try {
    return await handle();
  } catch (error) {
    return responseFor(error, clientPageErrors(deps), deps.log);
  }
}

/** The 413 / 415 of a form post, as a page. */
export function formProblemPage(
  deps: Pick<ClientPageDeps, 'pages'>,
  status: 413 | 415,
): HttpResponse {
  return status === 413
    ? messagePage(deps, 413, 'That was a little long', [
        'The form you sent is larger than we accept. Please shorten your answers and send it again.',
      ])
    : messagePage(deps, 415, 'We could not read that form', [
        'Please send the form from the page itself, in a web browser.',
      ]);
}
