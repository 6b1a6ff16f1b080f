import { buildDependencies } from '../composition-root.js';
import { loadConfig } from '../config.js';
import { createReconcileHandler } from '../handlers/reconcile.js';

/** Lambda entry: dependencies built once per cold start from validated config. */
export const handler = createReconcileHandler(buildDependencies(loadConfig(process.env)).reconcile);
