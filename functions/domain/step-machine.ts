import { STEP_STATES, type StepState } from './exit.js';

/** Who makes a step transition: a sender claiming it, the sender holding it, or another writer. */
export type StepWriter = 'claimant' | 'holder' | 'other';

/**
 * What must hold besides the step's state: nothing, the writer's lease token on the step, or a
 * lease that ran out (its sender died).
 */
export type TransitionGuard = 'none' | 'lease-held' | 'lease-expired';

interface Transition {
  by: StepWriter;
  guard: TransitionGuard;
}

/**
 * The step state machine: the single statement of allowed transitions. The store's conditional
 * writes are built from it (`dynamo-step-writes.ts` asks `fromStates`), so changing this table
 * changes what the store lets through.
 *
 * - `scheduled → sending`: a sender claims the step with a lease.
 * - `sending → sending`: the lease expired (the sender died) and another sender re-claims it.
 * - `sending → scheduled`: the sender hit a transient failure and gives the claim back.
 * - `sending → sent | failed | skipped`: the sender finishes.
 * - `scheduled → skipped`: the exit was cancelled or the step is no longer needed.
 */
const held: Transition = { by: 'holder', guard: 'lease-held' };
const TRANSITIONS: Record<StepState, Partial<Record<StepState, Transition>>> = {
  scheduled: {
    sending: { by: 'claimant', guard: 'none' },
    skipped: { by: 'other', guard: 'none' },
  },
  sending: {
    sending: { by: 'claimant', guard: 'lease-expired' },
    scheduled: held,
    sent: held,
    failed: held,
    skipped: held,
  },
  sent: {},
  skipped: {},
  failed: {},
};

export function canTransition(from: StepState, to: StepState): boolean {
  return TRANSITIONS[from][to] !== undefined;
}

export function isFinal(state: StepState): boolean {
  return Object.keys(TRANSITIONS[state]).length === 0;
}

/**
 * The states from which `writer` may move a step to `to`, each with the guard that must hold
 * too, in `STEP_STATES` order. Empty: no such write is allowed.
 */
export function fromStates(
  to: StepState,
  writer: StepWriter,
): { from: StepState; guard: TransitionGuard }[] {
  return STEP_STATES.flatMap((from) => {
    const transition = TRANSITIONS[from][to];
    return transition?.by === writer ? [{ from, guard: transition.guard }] : [];
  });
}

/**
 * The states in which a step is still pending and untouched by any sender: those a writer other
 * than a sender may skip. Only such a step may be moved, removed or skipped by a status change.
 */
export function pendingStates(): StepState[] {
  return fromStates('skipped', 'other').map(({ from }) => from);
}

/** Whether a step in `state` may be claimed at `now` (ISO), given its lease expiry. */
export function isClaimable(state: StepState, now: string, leaseExpiresAt?: string): boolean {
  return fromStates('sending', 'claimant').some(
    ({ from, guard }) =>
      from === state &&
      (guard !== 'lease-expired' || (leaseExpiresAt !== undefined && leaseExpiresAt < now)),
  );
}
