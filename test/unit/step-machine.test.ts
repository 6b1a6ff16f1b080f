import { describe, expect, it } from 'vitest';
import { STEP_STATES, type StepState } from '../../functions/domain/exit.js';
import {
  canTransition,
  fromStates,
  isClaimable,
  isFinal,
  pendingStates,
} from '../../functions/domain/step-machine.js';

const ALLOWED: readonly (readonly [StepState, StepState])[] = [
  ['scheduled', 'sending'],
  ['scheduled', 'skipped'],
  ['sending', 'sending'],
  ['sending', 'scheduled'],
  ['sending', 'sent'],
  ['sending', 'failed'],
  ['sending', 'skipped'],
];

const FINAL_STATES: readonly StepState[] = ['sent', 'skipped', 'failed'];

function isAllowed(from: StepState, to: StepState): boolean {
  return ALLOWED.some(([f, t]) => f === from && t === to);
}

describe('canTransition', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it('refuses every transition not in the table', () => {
    const refused = STEP_STATES.flatMap((from) =>
      STEP_STATES.filter((to) => !isAllowed(from, to)).map((to) => [from, to] as const),
    );

    const wronglyAllowed = refused.filter(([from, to]) => canTransition(from, to));

    expect(refused).toHaveLength(STEP_STATES.length ** 2 - ALLOWED.length);
    expect(wronglyAllowed).toEqual([]);
  });

  it.each(FINAL_STATES)('allows no transition out of final state %s', (from) => {
    const targets = STEP_STATES.filter((to) => canTransition(from, to));

    expect(targets).toEqual([]);
  });
});

describe('fromStates (what the store builds its conditions from)', () => {
  it('lets a claimant take a scheduled step, or a sending one whose lease expired', () => {
    expect(fromStates('sending', 'claimant')).toEqual([
      { from: 'scheduled', guard: 'none' },
      { from: 'sending', guard: 'lease-expired' },
    ]);
  });

  it.each(['sent', 'failed', 'skipped', 'scheduled'] as const)(
    'lets only the lease holder move a sending step to %s',
    (to) => {
      expect(fromStates(to, 'holder')).toEqual([{ from: 'sending', guard: 'lease-held' }]);
    },
  );

  it('lets any other writer skip only a scheduled step', () => {
    expect(fromStates('skipped', 'other')).toEqual([{ from: 'scheduled', guard: 'none' }]);
  });

  it.each(STEP_STATES)('lets no other writer move a step to %s except by skipping it', (to) => {
    if (to === 'skipped') return;
    expect(fromStates(to, 'other')).toEqual([]);
  });

  it('names only allowed transitions', () => {
    const writers = ['claimant', 'holder', 'other'] as const;
    const named = STEP_STATES.flatMap((to) =>
      writers.flatMap((writer) => fromStates(to, writer).map(({ from }) => [from, to] as const)),
    );

    expect(named.filter(([from, to]) => !isAllowed(from, to))).toEqual([]);
  });

  it('treats only scheduled steps as pending', () => {
    expect(pendingStates()).toEqual(['scheduled']);
  });
});

describe('isFinal', () => {
  it.each(FINAL_STATES)('treats %s as final', (state) => {
    expect(isFinal(state)).toBe(true);
  });

  it.each(['scheduled', 'sending'] as const)('treats %s as not final', (state) => {
    expect(isFinal(state)).toBe(false);
  });
});

describe('isClaimable', () => {
  const now = '2026-06-01T10:00:00.000Z';

  it('lets a scheduled step be claimed', () => {
    expect(isClaimable('scheduled', now)).toBe(true);
  });

  it('lets a sending step be re-claimed once its lease has expired', () => {
    expect(isClaimable('sending', now, '2026-06-01T09:59:59.000Z')).toBe(true);
  });

  it('refuses a sending step whose lease has not expired', () => {
    expect(isClaimable('sending', now, '2026-06-01T10:02:00.000Z')).toBe(false);
  });

  it('refuses a sending step whose lease ends exactly now', () => {
    expect(isClaimable('sending', now, now)).toBe(false);
  });

  it('refuses a sending step with no lease', () => {
    expect(isClaimable('sending', now)).toBe(false);
  });

  it.each(FINAL_STATES)('refuses a %s step, even with an expired lease', (state) => {
    expect(isClaimable(state, now, '2026-06-01T09:00:00.000Z')).toBe(false);
  });
});
