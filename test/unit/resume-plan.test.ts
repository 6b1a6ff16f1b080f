import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { resumePlan } from '../../functions/domain/replan.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { buildExit } from '../support/exit-fixture.js';

/**
 * The fixture exit (Europe/Paris, FR, effective Monday 2025-03-31) is due: notice 2025-03-03,
 * gratitude 03-31, survey 04-03, reminder 04-10, check-in-1 09-30, each at 10:00 in Paris.
 */
function pausedExit(done: string[] = []): Exit {
  const exit = buildExit({ status: 'paused' });
  const steps: Record<string, Step> = {};
  for (const step of Object.values(exit.steps)) {
    steps[step.id] = done.includes(step.id) ? { ...step, state: 'sent' } : step;
  }
  return { ...exit, steps };
}

function inParis(iso: string | undefined): DateTime {
  return DateTime.fromISO(iso ?? '', { zone: 'Europe/Paris' });
}

describe('resumePlan', () => {
  it('reschedules nothing, skips nothing and adds nothing when no step fell due', () => {
    const exit = pausedExit();

    const change = resumePlan(exit, new Date('2025-03-03T08:00:00.000Z'), DEFAULT_RULES);

    expect(change.from).toEqual(['paused']);
    expect(change.to).toBe('active');
    expect(change.reschedule).toEqual({});
    expect(change.skip).toBeUndefined();
    expect(change.add).toEqual([]);
  });

  it('keeps the time of steps still ahead when an earlier one is moved', () => {
    const exit = pausedExit(['notice']);

    // Tuesday 1 April, 14:00 in Paris: only the gratitude (31 March) fell due.
    const change = resumePlan(exit, new Date('2025-04-01T12:00:00.000Z'), DEFAULT_RULES);

    expect(Object.keys(change.reschedule ?? {})).toEqual(['gratitude']);
  });

  it('moves a survey that fell due while paused to the next send slot', () => {
    const exit = pausedExit(['notice', 'gratitude']);

    // Friday 4 April, 14:00 in Paris: the survey was due Thursday 3 April.
    const change = resumePlan(exit, new Date('2025-04-04T12:00:00.000Z'), DEFAULT_RULES);

    // Monday 7 April, 10:00 in Paris (summer time): the weekend is skipped.
    expect(change.reschedule?.survey).toBe('2025-04-07T08:00:00Z');
  });

  it('keeps the reminder daysAfterSurvey after a survey that was moved', () => {
    const exit = pausedExit(['notice', 'gratitude']);

    const change = resumePlan(exit, new Date('2025-04-04T12:00:00.000Z'), DEFAULT_RULES);

    const survey = inParis(change.reschedule?.survey);
    const reminder = inParis(change.reschedule?.['survey-reminder']);
    expect(reminder.diff(survey, 'days').days).toBe(DEFAULT_RULES.reminder.daysAfterSurvey);
    expect(change.reschedule?.['survey-reminder']).toBe('2025-04-14T08:00:00Z');
  });

  it('moves a reminder that follows a moved survey past a public holiday', () => {
    const exit = pausedExit(['notice', 'gratitude']);

    // Wednesday 23 April: the survey moves to Thursday 24 April, and seven days after it is
    // Thursday 1 May, Labour Day in France.
    const change = resumePlan(exit, new Date('2025-04-23T12:00:00.000Z'), DEFAULT_RULES);

    expect(change.reschedule?.survey).toBe('2025-04-24T08:00:00Z');
    // Friday 2 May, 10:00 in Paris.
    expect(change.reschedule?.['survey-reminder']).toBe('2025-05-02T08:00:00Z');
  });

  it('skips a check-in that fell due while paused and adds the next one in the cadence', () => {
    const exit = pausedExit(['notice', 'gratitude', 'survey', 'survey-reminder']);

    // Wednesday 15 October 2025: check-in 1 was due Tuesday 30 September.
    const change = resumePlan(exit, new Date('2025-10-15T12:00:00.000Z'), DEFAULT_RULES);

    expect(change.skip).toEqual({ stepIds: ['check-in-1'], reason: 'missed while paused' });
    expect(change.reschedule).toEqual({});
    // Effective date + 12 months: Tuesday 31 March 2026, 10:00 in Paris (summer time).
    expect(change.add).toEqual([
      {
        id: 'check-in-2',
        kind: 'check-in',
        dueAt: '2026-03-31T08:00:00Z',
        state: 'scheduled',
        attempts: 0,
      },
    ]);
  });

  it('never moves a step to the same slot as the step moved before it', () => {
    const exit = pausedExit(['notice']);

    // Monday 7 April, 14:00 in Paris: gratitude (31 March) and survey (3 April) both fell due.
    const change = resumePlan(exit, new Date('2025-04-07T12:00:00.000Z'), DEFAULT_RULES);

    expect(change.reschedule?.gratitude).toBe('2025-04-08T08:00:00Z');
    expect(change.reschedule?.survey).toBe('2025-04-09T08:00:00Z');
  });
});
