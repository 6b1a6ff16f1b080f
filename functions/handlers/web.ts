import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EventLog, ExitStore } from '../domain/ports.js';
import { errorResponse } from './http/errors.js';
import { type HttpResponse, json, problem } from './http/responses.js';
import { handleExitWebhook, type WebhookDeps } from './webhooks.js';

export interface WebDeps extends WebhookDeps {
  store: ExitStore;
  log: EventLog;
}

export type WebHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

type Route = (deps: WebDeps, event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
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
};

/** The web Lambda: one HTTP API, a small table of routes, errors mapped in one place. */
export function createWebHandler(deps: WebDeps): WebHandler {
  return async (event) => {
    const methods = ROUTES[event.rawPath];
    if (!methods) return problem(404, 'There is nothing at this address.');
    const route = methods[event.requestContext.http.method];
    if (!route) {
      return problem(405, 'This method is not allowed here.', undefined, {
        allow: Object.keys(methods).join(', '),
      });
    }
    try {
      return await route(deps, event);
    } catch (error) {
      return errorResponse(error, deps.log);
    }
  };
}
