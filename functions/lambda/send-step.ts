import { buildDependencies } from '../composition-root.js';
import { loadConfig } from '../config.js';
import { createSendStepHandler } from '../handlers/send-step.js';

/** Lambda entry: dependencies built once per cold start from validated config. */
export const handler = createSendStepHandler(buildDependencies(loadConfig(process.env)).sendStep);
