import { createWebHandler } from '../handlers/web.js';
import { dependencies } from './dependencies.js';
import { withMetrics } from './metrics.js';

/** Lambda entry of the HTTP API: every route, behind API Gateway's catch-all integration. */
export const handler = withMetrics(createWebHandler(dependencies.web), (response) => ({
  [`Http${Math.floor(response.statusCode / 100)}xx`]: 1,
}));
