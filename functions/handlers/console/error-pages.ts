import { type ErrorRendering, responseFor } from '../http/errors.js';
import type { HttpResponse } from '../http/responses.js';
import type { Signed } from './context.js';
import { messagePage } from './pages.js';
import { shellView } from './shell.js';

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
