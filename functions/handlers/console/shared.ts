import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OperatorProfile } from '../../domain/operator.js';
import type { Clock, EmailRenderer, EventLog, ExitStore } from '../../domain/ports.js';
import type { SequenceRules } from '../../domain/sequence-rules.js';
import type { Session } from '../../domain/sessions.js';
import type { EraseDeps } from '../../domain/use-cases/erase-exit.js';
import type { ExitControlDeps } from '../../domain/use-cases/exit-controls.js';
import type { OperatorDeps } from '../../domain/use-cases/operators.js';
import type { StartExitDeps } from '../../domain/use-cases/start-exit.js';
import { utcTime } from '../../rendering/console/format.js';
import type { ConsoleShell, FormView } from '../../rendering/console/views.js';
import type { PageRenderer } from '../../rendering/page-renderer.js';
import type { PageName } from '../../rendering/page-templates.js';
import type { PageViews } from '../../rendering/page-views.js';
import { CSRF_FIELD, type Csrf } from '../http/csrf.js';
import { type ErrorRendering, responseFor } from '../http/errors.js';
import { readForm } from '../http/form-body.js';
import { CONSOLE_CONTENT_SECURITY_POLICY, htmlPage, type PageOptions } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';

/**
 * Local mode's tools, shown in the console when present. `npm start` passes them; the Lambda
 * never does, so the web handler itself knows nothing about local mode.
 */
export interface LocalTools {
  inboxUrl: string;
  previewsUrl: string;
  /** Moves the virtual clock forward and fires what falls due. */
  timeTravel(days: number): Promise<{ now: string; fired: number }>;
}

/** What the operator console needs, built once by the composition root. */
export interface ConsoleDeps {
  operators: OperatorDeps;
  store: ExitStore;
  controls: ExitControlDeps;
  startExit: StartExitDeps;
  erase: EraseDeps;
  /** Renders the notice email of the new-exit preview. */
  notices: EmailRenderer;
  pages: PageRenderer;
  csrf: Csrf;
  /** The console is served over https: Secure cookies with the `__Host-` prefix. */
  secure: boolean;
  clock: Clock;
  log: EventLog;
  rules: SequenceRules;
  localTools?: LocalTools;
}

/** A request from a signed-in operator. */
export interface Signed {
  deps: ConsoleDeps;
  event: APIGatewayProxyEventV2;
  session: Session;
  operator: OperatorProfile;
}

export type ConsoleSection = 'exits' | 'new' | 'insights' | null;

const NAV: { section: Exclude<ConsoleSection, null>; href: string; label: string }[] = [
  { section: 'exits', href: '/admin/exits', label: 'Exits' },
  { section: 'new', href: '/admin/exits/new', label: 'Start an exit' },
  { section: 'insights', href: '/admin/insights', label: 'Insights' },
];

/** What a redirect after an action says on the next page (`?done=…`). */
const DONE: Record<string, string> = {
  started: 'The exit has started: the notice goes out within a minute.',
  exists: 'This exit had already been started (the form was sent twice): nothing new started.',
  cancelled: 'Cancelled: nothing more will be sent.',
  paused: 'Paused: nothing is sent until you resume.',
  resumed: 'Resumed: the emails still ahead are scheduled again.',
  unchanged: 'Nothing changed: it already was so.',
  'sent-now': 'The email goes out within a minute.',
  'not-sent-now': 'That email had already gone out or was on its way: nothing changed.',
  replanned: 'The effective date changed: the emails still ahead were replanned.',
  erased: "The client's personal data is erased.",
};

export function redirect(location: string, cookies: string[] = []): HttpResponse {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store' },
    ...(cookies.length > 0 ? { cookies } : {}),
  };
}

/** A POST form of a signed-in page, with its token bound to this session and action. */
export function formFor(ctx: Signed, action: string): FormView {
  return { action, csrf: ctx.deps.csrf.bound(ctx.session.sessionId, action) };
}

/** The path and query of a GET request, for "come back here" (time travel). */
function here(event: APIGatewayProxyEventV2): string {
  const query = new URLSearchParams(event.rawQueryString ?? '');
  query.delete('done');
  query.delete('travelled');
  query.delete('fired');
  const rest = query.toString();
  return `${event.rawPath}${rest ? `?${rest}` : ''}`;
}

function notice(event: APIGatewayProxyEventV2): string | null {
  const query = event.queryStringParameters ?? {};
  const days = Number(query.travelled);
  if (Number.isInteger(days) && days > 0) {
    const fired = Number(query.fired);
    const emails = Number.isInteger(fired) && fired >= 0 ? fired : 0;
    return `The clock moved ${days === 1 ? 'one day' : `${days} days`} forward; ${emails === 1 ? 'one scheduled email' : `${emails} scheduled emails`} fired on the way.`;
  }
  const done = query.done ?? '';
  return Object.hasOwn(DONE, done) ? (DONE[done] ?? null) : null;
}

export function shellView(
  ctx: Signed,
  section: ConsoleSection,
  options: { script?: boolean } = {},
): ConsoleShell {
  const { deps, event } = ctx;
  const local = deps.localTools;
  return {
    nav: NAV.map((item) => ({
      href: item.href,
      label: item.label,
      current: item.section === section,
    })),
    operatorEmail: ctx.operator.email,
    signOut: formFor(ctx, '/admin/sign-out'),
    local: local
      ? {
          now: utcTime(deps.clock.now()),
          inboxUrl: local.inboxUrl,
          previewsUrl: local.previewsUrl,
          travel: { ...formFor(ctx, '/admin/local/time-travel'), next: here(event) },
        }
      : null,
    notice: notice(event),
    script: options.script ? deps.pages.script.href : null,
  };
}

/** A console page, with the console's headers. */
export function consolePage<Name extends PageName>(
  deps: Pick<ConsoleDeps, 'pages'>,
  status: number,
  name: Name,
  title: string,
  view: PageViews[Name],
  options: PageOptions = {},
): HttpResponse {
  const html = deps.pages.render(name, { title }, view);
  return htmlPage(status, html, { csp: CONSOLE_CONTENT_SECURITY_POLICY, ...options });
}

export function messagePage(
  deps: Pick<ConsoleDeps, 'pages'>,
  shell: ConsoleShell | null,
  status: number,
  heading: string,
  paragraphs: string[],
  back: { href: string; label: string } | null = null,
): HttpResponse {
  return consolePage(deps, status, 'console/message', heading, {
    shell,
    heading,
    paragraphs,
    back,
  });
}

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

/** How errors read in the console: a page in the console's frame, with a way back. */
function consoleErrors(ctx: Signed): ErrorRendering {
  const page = (status: number, heading: string, paragraphs: string[]) =>
    messagePage(ctx.deps, shellView(ctx, null), status, heading, paragraphs, {
      href: '/admin/exits',
      label: 'Back to the exits',
    });
  return {
    subject: 'console page',
    404: () =>
      page(404, 'There is nothing here', ['No exit has that address. It may have been mistyped.']),
    409: (error) => page(409, 'That cannot be done now', [`${error.message}.`]),
    422: (error) =>
      page(
        422,
        'That request was not quite right',
        error.problems.map((p) => `${p.field}: ${p.message}.`),
      ),
    500: () =>
      page(500, 'Something went wrong on our side', [
        'Nothing you did caused this. Please try again in a moment.',
      ]),
  };
}

/** Runs a console handler; what it throws becomes a page, never JSON or a stack trace. */
export async function withConsoleErrors(
  ctx: Signed,
  handle: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  try {
    return await handle();
  } catch (error) {
    return responseFor(error, consoleErrors(ctx), ctx.deps.log);
  }
}
