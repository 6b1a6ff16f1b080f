import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EventLog, ExitStore } from '../domain/ports.js';
import { CONSOLE_SCRIPT_PATH, STYLESHEET_PATH } from '../rendering/page-renderer.js';
import { postHandover, showHandover } from './client-pages/handover.js';
import type { ClientPageDeps } from './client-pages/shared.js';
import { showSurvey, submitSurvey } from './client-pages/survey.js';
import { postPreferences, showPreferences } from './client-pages/unsubscribe.js';
import type { ConsoleDeps } from './console/context.js';
import { handleConsole, isConsolePath } from './console/router.js';
import { errorResponse } from './http/errors.js';
import { asset } from './http/pages.js';
import { type HttpResponse, json, problem } from './http/responses.js';
import { handleExitWebhook, type WebhookDeps } from './webhooks.js';

export interface WebDeps extends WebhookDeps {
  store: ExitStore;
  log: EventLog;
  /** The survey and unsubscribe pages behind emailed links. */
  clientPages: ClientPageDeps;
  /** The operator console under `/admin`. */
  console: ConsoleDeps;
}

export type WebHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** `param` is the path's last segment for a prefix route (the token of `/s/{token}`), else ''. */
type Route = (deps: WebDeps, event: APIGatewayProxyEventV2, param: string) => Promise<HttpResponse>;
type Methods = Partial<Record<string, Route>>;

const ROUTES: Record<string, Methods> = {
  '/healthz': {
    GET: async (deps) => {
      try {
        await deps.store.ping();
        return json(200, { status: 'ok' });
      } catch {
        return json(503, { status: 'unavailable' });
      }
    },
  },
  '/webhooks/exits': { POST: handleExitWebhook },
  [STYLESHEET_PATH]: {
    GET: async ({ clientPages: { pages } }) =>
      asset('text/css; charset=utf-8', pages.stylesheet.css, pages.stylesheet.hash),
  },
  [CONSOLE_SCRIPT_PATH]: {
    GET: async ({ console: { pages } }) =>
      asset('text/javascript; charset=utf-8', pages.script.body, pages.script.hash),
  },
};

/** Routes whose last path segment is a parameter: `/s/{token}`, `/u/{token}`, `/h/{token}`. */
const PREFIX_ROUTES: Record<string, Methods> = {
  '/s/': {
    GET: (deps, event, token) => showSurvey(deps.clientPages, event, token),
    POST: (deps, event, token) => submitSurvey(deps.clientPages, event, token),
  },
  '/u/': {
    GET: (deps, event, token) => showPreferences(deps.clientPages, event, token),
    POST: (deps, event, token) => postPreferences(deps.clientPages, event, token),
  },
  '/h/': {
    GET: (deps, event, token) => showHandover(deps.clientPages, event, token),
    POST: (deps, event, token) => postHandover(deps.clientPages, event, token),
  },
};

function match(path: string): { methods: Methods; param: string } | undefined {
  const exact = ROUTES[path];
  if (exact) return { methods: exact, param: '' };
  for (const [prefix, methods] of Object.entries(PREFIX_ROUTES)) {
    if (!path.startsWith(prefix)) continue;
    const param = path.slice(prefix.length);
    if (param !== '' && !param.includes('/')) return { methods, param };
  }
  return undefined;
}

/** HEAD is GET without a body (RFC 9110 §9.3.2); every method list that offers GET offers it. */
function answerHead(handle: WebHandler): WebHandler {
  return async (event) => {
    const { http } = event.requestContext;
    if (http.method !== 'HEAD') return withHeadAllowed(await handle(event));
    const response = await handle({
      ...event,
      requestContext: { ...event.requestContext, http: { ...http, method: 'GET' } },
    });
    return { ...withHeadAllowed(response), body: '', isBase64Encoded: false };
  };
}

function withHeadAllowed(response: HttpResponse): HttpResponse {
  const allow = response.headers?.allow;
  if (typeof allow !== 'string') return response;
  const methods = allow.split(',').map((method) => method.trim());
  if (!methods.includes('GET') || methods.includes('HEAD')) return response;
  methods.splice(methods.indexOf('GET') + 1, 0, 'HEAD');
  return { ...response, headers: { ...response.headers, allow: methods.join(', ') } };
}

/** The web Lambda: one HTTP API, a small table of routes, errors mapped in one place. */
export function createWebHandler(deps: WebDeps): WebHandler {
  return answerHead(async (event) => {
    if (isConsolePath(event.rawPath)) {
      try {
        return await handleConsole(deps.console, event);
      } catch (error) {
        return errorResponse(error, deps.log);
      }
    }
    const found = match(event.rawPath);
    if (!found) return problem(404, 'There is nothing at this address.');
    const { methods, param } = found;
    const route = methods[event.requestContext.http.method];
    if (!route) {
      return problem(405, 'This method is not allowed here.', undefined, {
        allow: Object.keys(methods).join(', '),
      });
    }
    try {
      return await route(deps, event, param);
    } catch (error) {
      return errorResponse(error, deps.log);
    }
  });
}
