import { type SendStepDeps, type SendStepResult, sendStep } from '../domain/use-cases/send-step.js';
import { parseStepEvent } from './step-event.js';

export type SendStepHandler = (event: unknown) => Promise<SendStepResult>;

/**
 * The send-step Lambda, invoked by EventBridge Scheduler with `{ exitId, stepId }`. A bad payload
 * is a bug in whoever scheduled it: it throws, and the dead-letter queue keeps it.
 */
export function createSendStepHandler(deps: SendStepDeps): SendStepHandler {
  return async (event) => sendStep(deps, parseStepEvent(event));
}
