import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SendingBlock } from '../../domain/ports.js';
import { currentBlock } from '../../domain/sending-blocked.js';
import { clearedSessionCookie } from '../http/cookies.js';
import type { HttpResponse } from '../http/responses.js';
import { postApproval } from './approval.js';
import type { ConsoleDeps, Signed } from './context.js';
import { withConsoleErrors } from './error-pages.js';
import {
  confirmCancel,
  confirmErase,
  EXIT_ACTIONS,
  type ExitAction,
  listExits,
  postExitAction,
  showExit,
} from './exit-pages.js';
import { showExitRecord } from './exit-record.js';
import { postExitTask } from './exit-tasks.js';
import { exportExits, showInsights, travelInTime } from './insights.js';
import { showNewExit, submitNewExit } from './new-exit.js';
import { HOME } from './next-path.js';
import { messagePage, redirect } from './pages.js';
import { shellView } from './shell.js';
import { currentSession, showSignIn, submitSignIn, submitSignOut } from './sign-in.js';

/** Whether a path belongs to the console. */
export function isConsolePath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

type Handler = (ctx: Signed, param: string) => Promise<HttpResponse | undefined>;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
}

const EXIT = '(x[0-9a-f]{24})';

/** Every signed-in route; `param` is the pattern's first group (an exit id), else ''. */
const ROUTES: Route[] = [
  { pattern: /^\/admin\/?$/, methods: { GET: async () => redirect(HOME) } },
  { pattern: /^\/admin\/sign-out$/, methods: { POST: (ctx) => submitSignOut(ctx) } },
  { pattern: /^\/admin\/exits$/, methods: { GET: (ctx) => listExits(ctx) } },
  {
    pattern: /^\/admin\/exits\/new$/,
    methods: { GET: (ctx) => showNewExit(ctx), POST: (ctx) => submitNewExit(ctx) },
  },
  { pattern: new RegExp(`^/admin/exits/${EXIT}$`), methods: { GET: showExit } },
  {
    pattern: new RegExp(`^/admin/exits/${EXIT}/erase$`),
    methods: { GET: confirmErase, POST: (ctx, id) => postExitAction(ctx, id, 'erase') },
  },
  {
    pattern: new RegExp(`^/admin/exits/${EXIT}/cancel$`),
    methods: { GET: confirmCancel, POST: (ctx, id) => postExitAction(ctx, id, 'cancel') },
  },
  ...EXIT_ACTIONS.filter((action) => action !== 'erase' && action !== 'cancel').map((action) => ({
    pattern: new RegExp(`^/admin/exits/${EXIT}/${action}$`),
    methods: { POST: (ctx: Signed, id: string) => postExitAction(ctx, id, action as ExitAction) },
  })),
  { pattern: new RegExp(`^/admin/exits/${EXIT}/tasks$`), methods: { POST: postExitTask } },
  { pattern: new RegExp(`^/admin/exits/${EXIT}/record$`), methods: { GET: showExitRecord } },
  ...(['approve', 'discard'] as const).map((action) => ({
    pattern: new RegExp(`^/admin/exits/${EXIT}/${action}$`),
    methods: { POST: (ctx: Signed, id: string) => postApproval(ctx, id, action) },
  })),
  { pattern: /^\/admin\/insights$/, methods: { GET: (ctx) => showInsights(ctx) } },
  { pattern: /^\/admin\/exports\/exits\.csv$/, methods: { GET: (ctx) => exportExits(ctx) } },
  { pattern: /^\/admin\/local\/time-travel$/, methods: { POST: (ctx) => travelInTime(ctx) } },
];

/**
 * Where an operator without a session goes: the sign-in page, with the page they asked for as
 * `next` (a GET's own path and query; a form post cannot be replayed, so it returns home).
 * A cookie that did not check out is removed on the way.
 */
function toSignIn(deps: ConsoleDeps, event: APIGatewayProxyEventV2, stale: boolean): HttpResponse {
  const method = event.requestContext.http.method;
  const wanted = `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const next = method === 'GET' && event.rawPath !== '/admin' ? wanted : '';
  const location = next ? `/admin/sign-in?next=${encodeURIComponent(next)}` : '/admin/sign-in';
  return redirect(location, stale ? [clearedSessionCookie({ secure: deps.secure })] : []);
}

/**
 * Whether sending is blocked, for the banner: the recorded block unless no try renewed it lately.
 * One small read; a failure to read it only hides the banner, never the page.
 */
async function readBlock(deps: ConsoleDeps): Promise<SendingBlock | undefined> {
  try {
    return currentBlock(await deps.sendingStatus?.current(), deps.clock.now());
  } catch (error) {
    deps.log.warn('sending status not read', {
      error: error instanceof Error ? error.name : 'unknown',
    });
    return undefined;
  }
}

/**
 * The operator console under `/admin`. The sign-in page is the one route open to all; every
 * other path, known or not, first needs a valid session, so nothing about the console's routes
 * shows before signing in.
 */
export async function handleConsole(
  deps: ConsoleDeps,
  event: APIGatewayProxyEventV2,
): Promise<HttpResponse> {
  const path = event.rawPath;
  const method = event.requestContext.http.method;
  if (path === '/admin/sign-in') {
    if (method === 'GET') return showSignIn(deps, event);
    if (method === 'POST') return submitSignIn(deps, event);
    return { statusCode: 405, headers: { allow: 'GET, POST' }, body: '' };
  }
  const session = await currentSession(deps, event);
  if (!session.ok) return toSignIn(deps, event, session.reason !== 'missing');
  const sendingBlock = await readBlock(deps);
  const ctx: Signed = {
    deps,
    event,
    session: session.session,
    operator: session.operator,
    ...(sendingBlock ? { sendingBlock } : {}),
  };
  const back = { href: HOME, label: 'Back to the exits' };
  return withConsoleErrors(ctx, async () => {
    for (const route of ROUTES) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      const handler = route.methods[method];
      if (!handler) {
        const page = messagePage(
          deps,
          shellView(ctx, null),
          405,
          'That is not how this page works',
          ['Use the page’s own links and buttons.'],
          back,
        );
        return {
          ...page,
          headers: { ...page.headers, allow: Object.keys(route.methods).join(', ') },
        };
      }
      const response = await handler(ctx, match[1] ?? '');
      if (response) return response;
      break;
    }
    return messagePage(
      deps,
      shellView(ctx, null),
      404,
      'There is nothing here',
      ['This console page does not exist. It may have been mistyped.'],
      back,
    );
  });
}
