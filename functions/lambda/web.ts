import { buildDependencies } from '../composition-root.js';
import { loadConfig } from '../config.js';
import { createWebHandler } from '../handlers/web.js';

/** Lambda entry: dependencies built once per cold start from validated config. */
export const handler = createWebHandler(buildDependencies(loadConfig(process.env)).web);
