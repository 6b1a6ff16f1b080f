/** Console responses: its pages (with the console's headers), message pages and redirects. */
import type { ConsoleShell } from '../../rendering/console/views.js';
import type { PageName } from '../../rendering/page-templates.js';
import type { PageViews } from '../../rendering/page-views.js';
import { CONSOLE_CONTENT_SECURITY_POLICY, htmlPage, type PageOptions } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';
import type { ConsoleDeps } from './context.js';

/** 303 See Other: after a form post, the browser GETs `location` (never re-posts on reload). */
export function redirect(location: string, cookies: string[] = []): HttpResponse {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store' },
    ...(cookies.length > 0 ? { cookies } : {}),
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

/** A console page that only says something, e.g. an error, with an optional way back. */
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
