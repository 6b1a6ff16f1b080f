import { createWebHandler } from '../handlers/web.js';
import { buildMail } from '../mail-root.js';
import { buildShared } from '../shared-root.js';
import { buildWeb } from '../web-root.js';
import { bootstrap } from './bootstrap.js';
import { withMetrics } from './metrics.js';

/** Built at init (see `reconcile.ts`): webhooks, the console and the client pages. */
const deps = await bootstrap(process.env, (config, overrides) => {
  const shared = buildShared(config, overrides);
  return buildWeb(shared, buildMail(shared));
});

/** Lambda entry of the HTTP API: every route, behind API Gateway's catch-all integration. */
export const handler = withMetrics(createWebHandler(deps), (response) => ({
  [`Http${Math.floor(response.statusCode / 100)}xx`]: 1,
}));
