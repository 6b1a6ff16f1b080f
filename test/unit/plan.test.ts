import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../functions/domain/exit.js';
import { DEFAULT_RULES, noticeDays, planExit } from '../../functions/domain/plan.js';

const STEP_ORDER = ['notice', 'gratitude', 'survey', 'survey-reminder', 'check-in-1'] as const;

function stepOf(steps: Record<string, Step>, id: string): Step {
  const step = steps[id];
  if (!step) throw new Error(`plan has no step ${id}`);
  return step;
}

function dueAt(steps: Record<string, Step>, id: string): string {
  return stepOf(steps, id).dueAt;
}

function inZone(iso: string, zone: string): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
}

function orderedDueTimes(steps: Record<string, Step>): number[] {
  return STEP_ORDER.map((id) => Date.parse(dueAt(steps, id)));
}

describe('planExit: the notice', () => {
  it('is due at the moment the exit is planned', () => {
    const now = new Date('2026-05-04T13:27:45.000Z');

    const plan = planExit({ now, timezone: 'Europe/Paris', effectiveOn: '2026-06-30' });

    expect(Date.parse(dueAt(plan.steps, 'notice'))).toBe(now.getTime());
  });
});

describe('planExit: gratitude', () => {
  const now = new Date('2027-03-01T09:00:00Z');

  it('is due at 10:00 client time on an effective date that is a weekday', () => {
    const plan = planExit({ now, timezone: 'Europe/Paris', effectiveOn: '2027-03-24' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2027-03-24T09:00:00Z');
  });

  it('moves to the Monday when the effective date is a Saturday', () => {
    const plan = planExit({ now, timezone: 'Europe/Paris', effectiveOn: '2027-03-27' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2027-03-29T08:00:00Z');
  });

  it('moves to the Monday when the effective date is a Sunday', () => {
    const plan = planExit({ now, timezone: 'Europe/Paris', effectiveOn: '2027-03-28' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2027-03-29T08:00:00Z');
  });
});

describe('planExit: survey and reminder', () => {
  const now = new Date('2026-05-01T12:00:00Z');

  it('sends the survey 3 business days after the effective date, skipping the weekend', () => {
    // Wednesday → Thursday, Friday, (weekend), Monday.
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-06-03' });

    expect(dueAt(plan.steps, 'survey')).toBe('2026-06-08T10:00:00Z');
  });

  it('sends the reminder 7 days after the survey', () => {
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-06-03' });

    expect(dueAt(plan.steps, 'survey-reminder')).toBe('2026-06-15T10:00:00Z');
  });

  it('moves a reminder that would fall on a weekend to the next business day', () => {
    // Survey on Thursday 2026-06-04; two days later is a Saturday.
    const rules = { ...DEFAULT_RULES, reminderDaysAfterSurvey: 2 };

    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-06-01' }, rules);

    expect(dueAt(plan.steps, 'survey')).toBe('2026-06-04T10:00:00Z');
    expect(dueAt(plan.steps, 'survey-reminder')).toBe('2026-06-08T10:00:00Z');
  });
});

describe('planExit: first check-in', () => {
  const now = new Date('2026-05-01T12:00:00Z');

  it('is due six months after the effective date at 10:00 client time', () => {
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-11-13' });

    expect(dueAt(plan.steps, 'check-in-1')).toBe('2027-05-13T10:00:00Z');
  });

  it('moves to the Monday when six months later is a Saturday', () => {
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-06-05' });

    expect(dueAt(plan.steps, 'check-in-1')).toBe('2026-12-07T10:00:00Z');
  });
});

describe('planExit: daylight saving time', () => {
  const now = new Date('2027-03-01T09:00:00Z');
  const timezone = 'Europe/Paris';

  it('keeps 10:00 local across the spring change: 09:00Z before it, 08:00Z after it', () => {
    const plan = planExit({ now, timezone, effectiveOn: '2027-03-26' });

    const gratitude = dueAt(plan.steps, 'gratitude');
    const survey = dueAt(plan.steps, 'survey');
    expect(gratitude).toBe('2027-03-26T09:00:00Z');
    expect(survey).toBe('2027-03-31T08:00:00Z');
    expect(inZone(gratitude, timezone).hour).toBe(10);
    expect(inZone(survey, timezone).hour).toBe(10);
  });

  it('keeps 10:00 local across the autumn change in New York', () => {
    // DST ends in the US on 2026-11-01.
    const plan = planExit({
      now: new Date('2026-10-01T12:00:00Z'),
      timezone: 'America/New_York',
      effectiveOn: '2026-10-30',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-10-30T14:00:00Z');
    expect(dueAt(plan.steps, 'survey')).toBe('2026-11-04T15:00:00Z');
  });
});

describe('planExit: zones far from UTC', () => {
  const now = new Date('2026-05-01T12:00:00Z');

  it('plans Auckland steps on the previous UTC day (10:00 NZST is 22:00Z)', () => {
    const plan = planExit({ now, timezone: 'Pacific/Auckland', effectiveOn: '2026-06-05' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-06-04T22:00:00Z');
    expect(dueAt(plan.steps, 'survey')).toBe('2026-06-09T22:00:00Z');
  });

  it('plans Los Angeles steps at 17:00Z in summer (10:00 PDT)', () => {
    const plan = planExit({ now, timezone: 'America/Los_Angeles', effectiveOn: '2026-06-05' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-06-05T17:00:00Z');
    expect(dueAt(plan.steps, 'survey')).toBe('2026-06-10T17:00:00Z');
  });

  it('counts the notice period from the client’s local date, not the UTC date', () => {
    // 20:00Z on Friday 5 June is already Saturday 6 June, 08:00, in Auckland.
    const plan = planExit({ now: new Date('2026-06-05T20:00:00Z'), timezone: 'Pacific/Auckland' });

    expect(plan.effectiveOn).toBe('2026-08-05');
  });
});

describe('noticeDays', () => {
  const today = DateTime.fromISO('2026-06-01', { zone: 'UTC' });

  it('owes 14 days for a relationship under 6 months', () => {
    expect(noticeDays(DEFAULT_RULES, today, '2025-12-02')).toBe(14);
  });

  it('owes 30 days for a relationship of exactly 6 months', () => {
    expect(noticeDays(DEFAULT_RULES, today, '2025-12-01')).toBe(30);
  });

  it('owes 30 days for a relationship under 24 months', () => {
    expect(noticeDays(DEFAULT_RULES, today, '2024-06-02')).toBe(30);
  });

  it('owes 60 days for a relationship of 24 months or more', () => {
    expect(noticeDays(DEFAULT_RULES, today, '2024-06-01')).toBe(60);
  });

  it('owes 60 days when the start of the relationship is unknown', () => {
    expect(noticeDays(DEFAULT_RULES, today)).toBe(60);
  });
});

describe('planExit: default effective date', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('gives 14 days of notice to a relationship under 6 months', () => {
    const plan = planExit({ now, timezone: 'UTC', relationshipStartedOn: '2026-01-15' });

    expect(plan.effectiveOn).toBe('2026-06-15');
  });

  it('gives 30 days of notice to a relationship under 24 months', () => {
    const plan = planExit({ now, timezone: 'UTC', relationshipStartedOn: '2025-01-01' });

    expect(plan.effectiveOn).toBe('2026-07-01');
  });

  it('gives 60 days of notice to a longer relationship', () => {
    const plan = planExit({ now, timezone: 'UTC', relationshipStartedOn: '2020-01-01' });

    expect(plan.effectiveOn).toBe('2026-07-31');
  });

  it('gives 60 days of notice when the start of the relationship is unknown', () => {
    const plan = planExit({ now, timezone: 'UTC' });

    expect(plan.effectiveOn).toBe('2026-07-31');
  });

  it('uses an explicit effective date instead of the notice period', () => {
    const plan = planExit({
      now,
      timezone: 'UTC',
      effectiveOn: '2026-06-03',
      relationshipStartedOn: '2020-01-01',
    });

    expect(plan.effectiveOn).toBe('2026-06-03');
  });
});

describe('planExit: effective date in the past', () => {
  // Wednesday 10 June 2026, 12:00 UTC.
  const now = new Date('2026-06-10T12:00:00Z');

  it('sends the gratitude on the next business day at 10:00, after the notice', () => {
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-05-01' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-06-11T10:00:00Z');
  });

  it('sends the survey on the business day after the gratitude', () => {
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-05-01' });

    expect(dueAt(plan.steps, 'survey')).toBe('2026-06-12T10:00:00Z');
  });

  it('moves a gratitude due later today but already past the send hour to the next business day', () => {
    // Friday 12 June, 11:00 local: today's 10:00 has gone, the next business day is Monday.
    const plan = planExit({
      now: new Date('2026-06-12T11:00:00Z'),
      timezone: 'UTC',
      effectiveOn: '2026-06-12',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-06-15T10:00:00Z');
  });

  it('keeps every step strictly after the one before, even when all would be overdue', () => {
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2025-01-01' });

    const times = orderedDueTimes(plan.steps);
    for (let i = 1; i < times.length; i += 1) {
      expect(times[i]).toBeGreaterThan(times[i - 1] ?? Number.POSITIVE_INFINITY);
    }
  });
});

describe('planExit: step records', () => {
  const plan = planExit({
    now: new Date('2026-06-10T12:34:56.789Z'),
    timezone: 'Asia/Kolkata',
    effectiveOn: '2026-07-01',
  });

  it('plans exactly the five default steps', () => {
    expect(Object.keys(plan.steps).sort()).toEqual([...STEP_ORDER].sort());
  });

  it('gives every step a UTC ISO due time ending in Z', () => {
    for (const step of Object.values(plan.steps)) {
      expect(step.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    }
  });

  it('starts every step scheduled with no attempts', () => {
    for (const step of Object.values(plan.steps)) {
      expect(step).toMatchObject({ state: 'scheduled', attempts: 0 });
    }
  });
});

describe('planExit: properties over many dates and zones', () => {
  const zones = [
    'UTC',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Sydney',
    'Pacific/Auckland',
  ];
  const first = DateTime.fromISO('2026-01-01T00:00:00Z', { zone: 'utc' });
  const cases: {
    now: Date;
    timezone: string;
    effectiveOn?: string;
    relationshipStartedOn?: string;
  }[] = [];
  for (let i = 0; i < 50; i += 1) {
    // Spread over 2026–2028 at varied times of day, so some `now`s are a different local date.
    const now = first.plus({ days: i * 21, hours: (i * 7) % 24, minutes: (i * 13) % 60 });
    for (const [z, timezone] of zones.entries()) {
      const shift = ((i + z) % 9) * 11 - 40; // -40 … +48 days around `now`
      const variant = (i + z) % 3;
      cases.push({
        now: now.toJSDate(),
        timezone,
        ...(variant === 0
          ? { relationshipStartedOn: now.minus({ months: (i * 5) % 40 }).toISODate() ?? '' }
          : { effectiveOn: now.plus({ days: shift }).toISODate() ?? '' }),
      });
    }
  }

  it('covers 300 combinations', () => {
    expect(cases).toHaveLength(300);
  });

  it('orders the steps strictly in time, notice first', () => {
    for (const input of cases) {
      const times = orderedDueTimes(planExit(input).steps);
      for (let i = 1; i < times.length; i += 1) {
        expect(times[i], JSON.stringify(input)).toBeGreaterThan(
          times[i - 1] ?? Number.POSITIVE_INFINITY,
        );
      }
    }
  });

  it('plans every step but the notice at 10:00 client time on a weekday', () => {
    for (const input of cases) {
      const { steps } = planExit(input);
      for (const id of STEP_ORDER.slice(1)) {
        const local = inZone(dueAt(steps, id), input.timezone);
        const context = `${id} ${JSON.stringify(input)}`;
        expect(local.toFormat('HH:mm:ss.SSS'), context).toBe('10:00:00.000');
        expect(local.weekday, context).toBeLessThanOrEqual(5);
      }
    }
  });

  it('never plans the gratitude before the effective date in the client’s zone', () => {
    for (const input of cases) {
      const plan = planExit(input);
      const gratitudeDay = inZone(dueAt(plan.steps, 'gratitude'), input.timezone).toISODate();
      expect(gratitudeDay ?? '', JSON.stringify(input)).not.toBe('');
      expect((gratitudeDay ?? '') >= plan.effectiveOn, JSON.stringify(input)).toBe(true);
    }
  });
});
