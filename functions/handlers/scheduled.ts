import type { SendDigestDeps, SendDigestResult } from '../domain/use-cases/send-digest.js';
import { sendDigest } from '../domain/use-cases/send-digest.js';
import type { SendStepDeps, SendStepResult } from '../domain/use-cases/send-step.js';
import { isDigestEvent, parseDigestEvent } from './digest-event.js';
import { createSendStepHandler } from './send-step.js';

export type ScheduledHandler = (event: unknown) => Promise<SendStepResult | SendDigestResult>;

/**
 * What every schedule invokes (the send-step Lambda): `{ exitId, stepId }` sends a step,
 * `{ digest: { operator, day } }` the operator digest. One function and one scheduler role for
 * every schedule, so the digest needs no permission the steps do not already have.
 */
export function createScheduledHandler(
  steps: SendStepDeps,
  digest?: SendDigestDeps,
): ScheduledHandler {
  const sendStep = createSendStepHandler(steps);
  return async (event) => {
    if (!isDigestEvent(event)) return sendStep(event);
    const parsed = parseDigestEvent(event);
    if (!digest) return { outcome: 'no-op', reason: 'no operator address for the digest' };
    return sendDigest(digest, parsed);
  };
}
