import { bootstrap } from './bootstrap.js';

/**
 * Built once per cold start, before the first invocation: top-level await in the ESM bundle, so
 * the secret is read and the config validated during the init phase, and a bad config fails the
 * init loudly instead of every request.
 */
export const dependencies = await bootstrap(process.env);
