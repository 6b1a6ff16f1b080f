import type { StepState } from './exit.js';

/**
 * The step state machine. The store enforces these transitions with conditional writes; this
 * table is the single statement of what is allowed, and the tests hold both to it.
 *
 * - `scheduled → sending`: a sender claims the step with a lease.
 * - `sending → sending`: the lease expired (the sender died) and another sender re-claims it.
 * - `sending → scheduled`: the sender hit a transient failure and gives the claim back.
 * - `sending → sent | failed | skipped`: the sender finishes.
 * - `scheduled → skipped`: the exit was cancelled or the step is no longer needed.
 */
const TRANSITIONS: Record<StepState, readonly StepState[]> = {
  scheduled: ['sending', 'skipped'],
  sending: ['sending', 'scheduled', 'sent', 'failed', 'skipped'],
  sent: [],
  skipped: [],
  failed: [],
};

export function canTransition(from: StepState, to: StepState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinal(state: StepState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** Whether a step in `state` may be claimed at `now` (ISO), given its lease expiry. */
export function isClaimable(state: StepState, now: string, leaseExpiresAt?: string): boolean {
  if (state === 'scheduled') return true;
  return state === 'sending' && leaseExpiresAt !== undefined && leaseExpiresAt < now;
}
