import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../../functions/domain/calendar.js';
import type { Step } from '../../functions/domain/exit.js';
import {
  checkInDueAt,
  DEFAULT_RULES,
  nextCheckIn,
  nextSendSlot,
  noticeDays,
  planExit,
  type SequenceRules,
} from '../../functions/domain/plan.js';

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
    const rules = { ...DEFAULT_RULES, reminder: { daysAfterSurvey: 2, enabled: true } };

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

    const times = Object.values(plan.steps).map((step) => Date.parse(step.dueAt));
    expect(times).toHaveLength(5);
    for (let i = 1; i < times.length; i += 1) {
      expect(times[i]).toBeGreaterThan(times[i - 1] ?? Number.POSITIVE_INFINITY);
    }
  });

  it('plans the first check-in still to come after the reminder, not the missed ones', () => {
    // Slots from 1 Jan 2025: 1 Jul 2025 and 1 Jan 2026 have passed; the reminder is on 19 June.
    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2025-01-01' });

    expect(plan.steps['check-in-1']).toBeUndefined();
    expect(dueAt(plan.steps, 'check-in-3')).toBe('2026-07-01T10:00:00Z');
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

  it('gives every step a UTC ISO due time in whole seconds ending in Z', () => {
    for (const step of Object.values(plan.steps)) {
      expect(step.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
  });

  it('drops the milliseconds of the notice: due at the second it was planned', () => {
    expect(dueAt(plan.steps, 'notice')).toBe('2026-06-10T12:34:56Z');
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

describe('planExit: daylight saving time in Europe/Amsterdam and America/New_York', () => {
  it('keeps 10:00 local across the Amsterdam autumn change: 08:00Z before, 09:00Z after', () => {
    // DST ends in the EU on Sunday 31 October 2027.
    const plan = planExit({
      now: new Date('2027-10-01T09:00:00Z'),
      timezone: 'Europe/Amsterdam',
      effectiveOn: '2027-10-29',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2027-10-29T08:00:00Z');
    expect(dueAt(plan.steps, 'survey')).toBe('2027-11-03T09:00:00Z');
  });

  it('keeps 10:00 local across the New York spring change: 15:00Z before, 14:00Z after', () => {
    // DST starts in the US on Sunday 14 March 2027.
    const plan = planExit({
      now: new Date('2027-03-01T12:00:00Z'),
      timezone: 'America/New_York',
      effectiveOn: '2027-03-12',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2027-03-12T15:00:00Z');
    expect(dueAt(plan.steps, 'survey')).toBe('2027-03-17T14:00:00Z');
  });

  it('plans a winter check-in of a summer exit at 10:00 standard time', () => {
    const plan = planExit({
      now: new Date('2026-08-01T12:00:00Z'),
      timezone: 'America/New_York',
      effectiveOn: '2026-09-01',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-09-01T14:00:00Z');
    expect(dueAt(plan.steps, 'check-in-1')).toBe('2027-03-01T15:00:00Z');
  });
});

describe('planExit: a send hour inside a DST gap or overlap', () => {
  const everyDayAt2: SequenceRules = {
    ...DEFAULT_RULES,
    sendHour: 2,
    businessDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  };
  const now = new Date('2027-03-01T09:00:00Z');

  it('sends at 03:00 summer time when 02:00 does not exist (Amsterdam, 28 March 2027)', () => {
    const plan = planExit(
      { now, timezone: 'Europe/Amsterdam', effectiveOn: '2027-03-28' },
      everyDayAt2,
    );

    const gratitude = dueAt(plan.steps, 'gratitude');
    expect(gratitude).toBe('2027-03-28T01:00:00Z');
    expect(inZone(gratitude, 'Europe/Amsterdam').toFormat('HH:mm ZZ')).toBe('03:00 +02:00');
  });

  it('sends at the first 02:00 when 02:00 happens twice (Amsterdam, 31 October 2027)', () => {
    const plan = planExit(
      { now, timezone: 'Europe/Amsterdam', effectiveOn: '2027-10-31' },
      everyDayAt2,
    );

    expect(dueAt(plan.steps, 'gratitude')).toBe('2027-10-31T00:00:00Z');
  });
});

describe('planExit: a half-hour zone', () => {
  it('plans 10:00 in Asia/Kolkata at 04:30Z', () => {
    const plan = planExit({
      now: new Date('2026-06-10T12:00:00Z'),
      timezone: 'Asia/Kolkata',
      country: 'IN',
      effectiveOn: '2026-07-01',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-07-01T04:30:00Z');
    expect(dueAt(plan.steps, 'survey')).toBe('2026-07-06T04:30:00Z');
  });

  it('puts every step but the notice at minute 30 in UTC', () => {
    const plan = planExit({
      now: new Date('2026-06-10T12:00:00Z'),
      timezone: 'Asia/Kolkata',
      effectiveOn: '2026-07-01',
    });

    const minutes = Object.values(plan.steps)
      .filter((step) => step.kind !== 'notice')
      .map((step) => DateTime.fromISO(step.dueAt, { zone: 'utc' }).minute);
    expect(minutes).toEqual([30, 30, 30, 30]);
  });
});

describe('planExit: public holidays', () => {
  const december = new Date('2026-12-01T12:00:00Z');

  it('moves a gratitude due on Christmas Day in GB past Boxing Day’s substitute (Mon 28th)', () => {
    const plan = planExit({
      now: december,
      timezone: 'Europe/London',
      country: 'GB',
      effectiveOn: '2026-12-25',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-12-29T10:00:00Z');
  });

  it('keeps a gratitude on Christmas Day when the client’s country is unknown', () => {
    const plan = planExit({ now: december, timezone: 'Europe/London', effectiveOn: '2026-12-25' });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-12-25T10:00:00Z');
  });

  it('counts only business days for the survey, skipping New Year’s Day in GB', () => {
    // From Fri 25 Dec: Tue 29, Wed 30, Thu 31 December.
    const plan = planExit({
      now: december,
      timezone: 'Europe/London',
      country: 'GB',
      effectiveOn: '2026-12-25',
    });

    expect(dueAt(plan.steps, 'survey')).toBe('2026-12-31T10:00:00Z');
    expect(dueAt(plan.steps, 'survey-reminder')).toBe('2027-01-07T10:00:00Z');
  });

  it('moves a gratitude due on 4 July in the US to the 5th', () => {
    const plan = planExit({
      now: new Date('2029-06-01T12:00:00Z'),
      timezone: 'America/New_York',
      country: 'US',
      effectiveOn: '2029-07-04',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2029-07-05T14:00:00Z');
  });

  it('keeps a gratitude on 4 July when the client’s country is unknown', () => {
    const plan = planExit({
      now: new Date('2029-06-01T12:00:00Z'),
      timezone: 'America/New_York',
      effectiveOn: '2029-07-04',
    });

    expect(dueAt(plan.steps, 'gratitude')).toBe('2029-07-04T14:00:00Z');
  });

  it('skips Easter Monday in NL when counting the survey’s business days', () => {
    // From Fri 26 March 2027: (Mon 29 is Easter Monday) Tue 30, Wed 31, Thu 1 April.
    const plan = planExit({
      now: new Date('2027-03-01T09:00:00Z'),
      timezone: 'Europe/Amsterdam',
      country: 'NL',
      effectiveOn: '2027-03-26',
    });

    expect(dueAt(plan.steps, 'survey')).toBe('2027-04-01T08:00:00Z');
  });

  it('sends the notice at once, even on a public holiday', () => {
    const now = new Date('2026-12-25T09:00:00Z');

    const plan = planExit({ now, timezone: 'Europe/London', country: 'GB' });

    expect(dueAt(plan.steps, 'notice')).toBe('2026-12-25T09:00:00Z');
  });

  it('ignores holidays when the rules do not skip them', () => {
    const rules = { ...DEFAULT_RULES, skipPublicHolidays: false };

    const plan = planExit(
      { now: december, timezone: 'Europe/London', country: 'GB', effectiveOn: '2026-12-25' },
      rules,
    );

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-12-25T10:00:00Z');
  });
});

describe('planExit: configured steps', () => {
  const now = new Date('2026-05-01T12:00:00Z');

  it('plans no reminder when reminders are off', () => {
    const rules = { ...DEFAULT_RULES, reminder: { daysAfterSurvey: 7, enabled: false } };

    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-06-03' }, rules);

    expect(Object.keys(plan.steps)).toEqual(['notice', 'gratitude', 'survey', 'check-in-1']);
  });

  it('plans no check-in when the check-in count is 0', () => {
    const rules = { ...DEFAULT_RULES, checkIns: { everyMonths: 6, maxCount: 0 } };

    const plan = planExit({ now, timezone: 'UTC', effectiveOn: '2026-06-03' }, rules);

    expect(Object.keys(plan.steps)).toEqual(['notice', 'gratitude', 'survey', 'survey-reminder']);
  });

  it('sends at the configured hour', () => {
    const rules = { ...DEFAULT_RULES, sendHour: 15 };

    const plan = planExit({ now, timezone: 'Europe/Paris', effectiveOn: '2026-06-03' }, rules);

    expect(dueAt(plan.steps, 'gratitude')).toBe('2026-06-03T13:00:00Z');
  });
});

describe('checkInDueAt: month ends', () => {
  const from31August2027 = { effectiveOn: '2027-08-31', timezone: 'UTC' };

  it('goes from 31 August to 29 February, then back to 31 August, each from the effective date', () => {
    const due = [1, 2, 3, 4].map((index) => checkInDueAt(from31August2027, index, DEFAULT_RULES));

    expect(due.map((at) => at.toUTC().toISO({ suppressMilliseconds: true }))).toEqual([
      '2028-02-29T10:00:00Z',
      '2028-08-31T10:00:00Z',
      '2029-02-28T10:00:00Z',
      '2029-08-31T10:00:00Z',
    ]);
  });

  it('moves 28 February 2027, a Sunday, to Monday 1 March, and still returns to 31 August', () => {
    const input = { effectiveOn: '2026-08-31', timezone: 'UTC' };

    const first = checkInDueAt(input, 1, DEFAULT_RULES);
    const second = checkInDueAt(input, 2, DEFAULT_RULES);

    expect(first.toISODate()).toBe('2027-03-01');
    expect(second.toISODate()).toBe('2027-08-31');
  });

  it('keeps 10:00 local at the month end in summer time (Europe/London, 09:00Z)', () => {
    const input = { effectiveOn: '2027-08-31', timezone: 'Europe/London' };

    const due = checkInDueAt(input, 2, DEFAULT_RULES);

    expect(due.toUTC().toISO({ suppressMilliseconds: true })).toBe('2028-08-31T09:00:00Z');
  });

  it('moves a check-in due on Christmas Day in GB to the next business day', () => {
    const input = { effectiveOn: '2026-06-25', timezone: 'Europe/London', country: 'GB' };

    expect(checkInDueAt(input, 1, DEFAULT_RULES).toISODate()).toBe('2026-12-29');
  });

  it('refuses an index below 1', () => {
    expect(() => checkInDueAt(from31August2027, 0, DEFAULT_RULES)).toThrow(RangeError);
  });
});

describe('checkInDueAt: leap days', () => {
  const leapDay = { effectiveOn: '2028-02-29', timezone: 'UTC' };

  it('is due on 29 August six months after 29 February 2028', () => {
    expect(checkInDueAt(leapDay, 1, DEFAULT_RULES).toISODate()).toBe('2028-08-29');
  });

  it('is due on 28 February twelve months after 29 February 2028', () => {
    expect(checkInDueAt(leapDay, 2, DEFAULT_RULES).toISODate()).toBe('2029-02-28');
  });

  it('is due on 28 February a year later with a 12-month interval', () => {
    const yearly = { ...DEFAULT_RULES, checkIns: { everyMonths: 12, maxCount: 10 } };

    expect(checkInDueAt(leapDay, 1, yearly).toISODate()).toBe('2029-02-28');
  });

  it('is due on the next leap day four years later, moved from Sunday to Monday 1 March', () => {
    expect(checkInDueAt(leapDay, 8, DEFAULT_RULES).toISODate()).toBe('2032-03-01');
  });
});

describe('nextCheckIn', () => {
  const input = { effectiveOn: '2027-08-31', timezone: 'UTC' };

  it('returns the first check-in when asked just before it is due', () => {
    const next = nextCheckIn(input, new Date('2028-02-29T09:59:59Z'), DEFAULT_RULES);

    expect(next).toEqual({ index: 1, stepId: 'check-in-1', dueAt: '2028-02-29T10:00:00Z' });
  });

  it('returns the next one when asked at the very time a check-in is due (strictly after)', () => {
    const next = nextCheckIn(input, new Date('2028-02-29T10:00:00Z'), DEFAULT_RULES);

    expect(next).toEqual({ index: 2, stepId: 'check-in-2', dueAt: '2028-08-31T10:00:00Z' });
  });

  it('skips missed check-ins rather than catching up', () => {
    const next = nextCheckIn(input, new Date('2031-01-01T00:00:00Z'), DEFAULT_RULES);

    expect(next).toEqual({ index: 7, stepId: 'check-in-7', dueAt: '2031-02-28T10:00:00Z' });
  });

  it('returns the last allowed check-in before the count runs out', () => {
    const twice = { ...DEFAULT_RULES, checkIns: { everyMonths: 6, maxCount: 2 } };

    const next = nextCheckIn(input, new Date('2028-08-31T09:59:59Z'), twice);

    expect(next?.stepId).toBe('check-in-2');
  });

  it('returns nothing once the configured count is reached', () => {
    const twice = { ...DEFAULT_RULES, checkIns: { everyMonths: 6, maxCount: 2 } };

    expect(nextCheckIn(input, new Date('2028-08-31T10:00:00Z'), twice)).toBeUndefined();
  });

  it('returns nothing after the tenth check-in with the default count', () => {
    // The tenth is due on Tuesday 31 August 2032.
    expect(nextCheckIn(input, new Date('2032-08-31T10:00:00Z'), DEFAULT_RULES)).toBeUndefined();
  });
});

describe('nextSendSlot', () => {
  it('keeps today when the send hour is still to come on a business day', () => {
    const slot = nextSendSlot(new Date('2026-06-12T09:00:00Z'), 'UTC', undefined, DEFAULT_RULES);

    expect(slot).toBe('2026-06-12T10:00:00Z');
  });

  it('moves to Monday from a Friday past the send hour', () => {
    const slot = nextSendSlot(new Date('2026-06-12T11:00:00Z'), 'UTC', undefined, DEFAULT_RULES);

    expect(slot).toBe('2026-06-15T10:00:00Z');
  });

  it('moves to the next business day from exactly the send hour (strictly after)', () => {
    const slot = nextSendSlot(new Date('2026-06-12T10:00:00Z'), 'UTC', undefined, DEFAULT_RULES);

    expect(slot).toBe('2026-06-15T10:00:00Z');
  });

  it('moves to Monday from a Saturday morning', () => {
    const slot = nextSendSlot(new Date('2026-06-13T08:00:00Z'), 'UTC', undefined, DEFAULT_RULES);

    expect(slot).toBe('2026-06-15T10:00:00Z');
  });

  it('steps over Christmas, a weekend and Boxing Day’s substitute in GB', () => {
    const slot = nextSendSlot(
      new Date('2026-12-24T12:00:00Z'),
      'Europe/London',
      'GB',
      DEFAULT_RULES,
    );

    expect(slot).toBe('2026-12-29T10:00:00Z');
  });

  it('steps over the Friday observed for 4 July in the US and the weekend', () => {
    const slot = nextSendSlot(
      new Date('2026-07-02T15:00:00Z'),
      'America/New_York',
      'US',
      DEFAULT_RULES,
    );

    expect(slot).toBe('2026-07-06T14:00:00Z');
  });

  it('uses the client’s local date: 23:00Z on Friday is already Saturday in Auckland', () => {
    const slot = nextSendSlot(
      new Date('2026-06-05T23:00:00Z'),
      'Pacific/Auckland',
      undefined,
      DEFAULT_RULES,
    );

    expect(slot).toBe('2026-06-07T22:00:00Z'); // Monday 8 June, 10:00 NZST
  });

  it('plans 10:00 in Asia/Kolkata at minute 30 UTC', () => {
    const slot = nextSendSlot(
      new Date('2026-06-12T05:00:00Z'),
      'Asia/Kolkata',
      'IN',
      DEFAULT_RULES,
    );

    expect(slot).toBe('2026-06-15T04:30:00Z');
  });

  it('sends at 03:00 summer time when the send hour falls in the spring-forward gap', () => {
    const everyDayAt2: SequenceRules = {
      ...DEFAULT_RULES,
      sendHour: 2,
      businessDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    };

    // 00:00 local on 28 March 2027; 02:00 does not exist that night in Amsterdam.
    const slot = nextSendSlot(
      new Date('2027-03-27T23:00:00Z'),
      'Europe/Amsterdam',
      undefined,
      everyDayAt2,
    );

    expect(slot).toBe('2027-03-28T01:00:00Z');
  });
});

describe('planExit: random dates, zones and countries (fast-check)', () => {
  const ZONES = [
    'UTC',
    'Europe/London',
    'Europe/Amsterdam',
    'America/New_York',
    'America/Los_Angeles',
    'Asia/Kolkata',
    'Australia/Sydney',
    'Pacific/Auckland',
  ];
  const COUNTRIES = ['GB', 'US', 'FR', 'DE', 'NL', 'IN', 'AU', undefined];

  const inputs = fc
    .record({
      now: fc.date({
        min: new Date('2026-01-01T00:00:00Z'),
        max: new Date('2030-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      timezone: fc.constantFrom(...ZONES),
      country: fc.constantFrom(...COUNTRIES),
      effectiveShiftDays: fc.option(fc.integer({ min: -400, max: 200 }), { nil: undefined }),
      relationshipMonths: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      reminder: fc.boolean(),
    })
    .map(({ now, timezone, country, effectiveShiftDays, relationshipMonths, reminder }) => {
      const local = DateTime.fromJSDate(now, { zone: timezone });
      return {
        input: {
          now,
          timezone,
          ...(country ? { country } : {}),
          ...(effectiveShiftDays === undefined
            ? {}
            : { effectiveOn: local.plus({ days: effectiveShiftDays }).toISODate() ?? '' }),
          ...(relationshipMonths === undefined
            ? {}
            : {
                relationshipStartedOn:
                  local.minus({ months: relationshipMonths }).toISODate() ?? '',
              }),
        },
        rules: { ...DEFAULT_RULES, reminder: { daysAfterSurvey: 7, enabled: reminder } },
      };
    });

  it('orders the steps strictly in time and puts every step but the notice at 10:00 local on a business day', () => {
    fc.assert(
      fc.property(inputs, ({ input, rules }) => {
        const plan = planExit(input, rules);
        const steps = Object.values(plan.steps);
        const calendar = businessCalendar(rules, input.country);

        for (let i = 1; i < steps.length; i += 1) {
          expect(Date.parse(steps[i]?.dueAt ?? '')).toBeGreaterThan(
            Date.parse(steps[i - 1]?.dueAt ?? ''),
          );
        }
        for (const step of steps.slice(1)) {
          const local = inZone(step.dueAt, input.timezone);
          expect(local.toFormat('HH:mm:ss'), step.id).toBe('10:00:00');
          expect(local.weekday, step.id).toBeLessThanOrEqual(5);
          expect(calendar.isBusinessDay(local), step.id).toBe(true);
        }
        const gratitudeDay = inZone(dueAt(plan.steps, 'gratitude'), input.timezone).toISODate();
        expect((gratitudeDay ?? '') >= plan.effectiveOn).toBe(true);
        expect(steps[0]?.id).toBe('notice');
      }),
      { numRuns: 500 },
    );
  });
});

describe('planExit: a computed effective date', () => {
  // 30 days' notice (relationship of more than one year, less than two).
  const startedOn = '2025-06-01';

  it('moves past a weekend: 30 days from Thursday 3 December 2026 is Monday 4 January 2027', () => {
    const plan = planExit({
      now: new Date('2026-12-03T10:00:00.000Z'),
      timezone: 'Europe/Berlin',
      country: 'DE',
      relationshipStartedOn: startedOn,
    });

    expect(plan.effectiveOn).toBe('2027-01-04');
  });

  it('moves past the country’s public holidays (GB: Christmas, then substitute Boxing Day)', () => {
    const plan = planExit({
      now: new Date('2026-11-25T10:00:00.000Z'),
      timezone: 'Europe/London',
      country: 'GB',
      relationshipStartedOn: startedOn,
    });

    expect(plan.effectiveOn).toBe('2026-12-29');
  });

  it('skips weekends only when the country is unknown', () => {
    const plan = planExit({
      now: new Date('2026-11-25T10:00:00.000Z'),
      timezone: 'Europe/London',
      relationshipStartedOn: startedOn,
    });

    expect(plan.effectiveOn).toBe('2026-12-25');
  });

  it('keeps an effective date the caller gave, even on a Saturday', () => {
    const plan = planExit({
      now: new Date('2026-12-03T10:00:00.000Z'),
      timezone: 'Europe/Berlin',
      country: 'DE',
      effectiveOn: '2027-01-02',
    });

    expect(plan.effectiveOn).toBe('2027-01-02');
  });
});
