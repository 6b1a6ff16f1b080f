import { describe, expect, it } from 'vitest';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { replanForEffectiveDate } from '../../functions/domain/replan.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { buildExit } from '../support/exit-fixture.js';

/** After the fixture's notice (3 March 2025), before its gratitude (31 March). */
const NOW = new Date('2025-03-10T12:00:00.000Z');

function withSteps(exit: Exit, changes: Record<string, Partial<Step>>): Exit {
  const steps = { ...exit.steps };
  for (const [id, change] of Object.entries(changes)) {
    steps[id] = { ...(steps[id] as Step), ...change };
  }
  return { ...exit, steps };
}

describe('replanning an exit for a new effective date', () => {
  it('moves every step still ahead, in the client zone and business days, and the date', () => {
    const exit = withSteps(buildExit(), { notice: { state: 'sent' } });

    const change = replanForEffectiveDate(exit, '2025-04-30', NOW, DEFAULT_RULES, 'console');

    expect(change).toMatchObject({
      from: ['active'],
      to: 'active',
      effectiveOn: '2025-04-30',
      reschedule: {
        gratitude: '2025-04-30T08:00:00Z',
        // 1 May is a public holiday in France.
        survey: '2025-05-06T08:00:00Z',
        'survey-reminder': '2025-05-13T08:00:00Z',
        'check-in-1': '2025-10-30T09:00:00Z',
      },
      remove: [],
      // The notice went out: the client hears of the new date at once.
      add: [
        {
          id: 'date-change-1',
          kind: 'date-change',
          dueAt: NOW.toISOString(),
          state: 'scheduled',
          attempts: 0,
          previousEffectiveOn: '2025-03-31',
        },
      ],
      entry: { event: 'exit.replanned' },
    });
    expect(change.entry.detail).toContain('from Monday 31 March 2025 to Wednesday 30 April 2025');
  });

  it('tells the client nothing extra before the notice went out', () => {
    const change = replanForEffectiveDate(buildExit(), '2025-04-30', NOW, DEFAULT_RULES, 'console');

    expect(change.add?.filter((step) => step.kind === 'date-change')).toEqual([]);
  });

  it('numbers a second change of date after the first', () => {
    const once = withSteps(buildExit(), { notice: { state: 'sent' } });
    const first = replanForEffectiveDate(once, '2025-04-30', NOW, DEFAULT_RULES, 'console');
    const added = first.add?.[0];
    if (!added) throw new Error('no date-change step');
    const twice = {
      ...once,
      effectiveOn: '2025-04-30',
      steps: { ...once.steps, [added.id]: added },
    };

    const second = replanForEffectiveDate(twice, '2025-05-30', NOW, DEFAULT_RULES, 'console');

    expect(second.add?.find((step) => step.kind === 'date-change')).toMatchObject({
      id: 'date-change-2',
      previousEffectiveOn: '2025-04-30',
    });
  });

  it('leaves what went out alone, and a reminder whose survey was sent keeps its time', () => {
    const exit = withSteps(buildExit(), {
      notice: { state: 'sent' },
      gratitude: { state: 'sent' },
      survey: { state: 'sent' },
    });

    const change = replanForEffectiveDate(exit, '2025-04-30', NOW, DEFAULT_RULES, 'console');

    expect(Object.keys(change.reschedule ?? {})).toEqual(['check-in-1']);
  });

  it('moves the pending check-in to the first free slot of the new cadence', () => {
    const exit = withSteps(
      buildExit({
        steps: {
          ...buildExit().steps,
          'check-in-2': {
            id: 'check-in-2',
            kind: 'check-in',
            dueAt: '2026-03-31T08:00:00.000Z',
            state: 'scheduled',
            attempts: 0,
          },
        },
      }),
      {
        notice: { state: 'sent' },
        gratitude: { state: 'sent' },
        survey: { state: 'sent' },
        'survey-reminder': { state: 'skipped' },
        'check-in-1': { state: 'sent' },
      },
    );

    const change = replanForEffectiveDate(
      exit,
      '2025-06-30',
      new Date('2025-10-01T12:00:00.000Z'),
      DEFAULT_RULES,
      'console',
    );

    // Check-in 1 of the new cadence (30 Dec) is taken: it went out; check-in 2 moves instead.
    expect(change.reschedule).toEqual({ 'check-in-2': '2026-06-30T08:00:00Z' });
    expect(change.add?.filter((step) => step.kind === 'check-in')).toEqual([]);
  });

  it('brings back no check-in that was stopped', () => {
    const exit = withSteps(buildExit(), {
      notice: { state: 'sent' },
      'check-in-1': { state: 'skipped', reason: 'unsubscribed' },
    });

    const change = replanForEffectiveDate(exit, '2025-04-30', NOW, DEFAULT_RULES, 'console');

    expect(change.add?.filter((step) => step.kind === 'check-in')).toEqual([]);
    expect(change.reschedule).not.toHaveProperty('check-in-1');
  });

  it('keeps a paused exit paused', () => {
    const exit = { ...buildExit(), status: 'paused' as const };

    const change = replanForEffectiveDate(exit, '2025-04-30', NOW, DEFAULT_RULES, 'console');

    expect(change).toMatchObject({ from: ['paused'], to: 'paused' });
  });
});
