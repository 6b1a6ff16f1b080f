import { DateTime } from 'luxon';
import { type BusinessCalendar, businessCalendar } from './calendar.js';
import type { Step, StepKind } from './exit.js';
import { DEFAULT_RULES, type SequenceRules } from './sequence-rules.js';

export { DEFAULT_RULES, type SequenceRules };

export interface PlanInput {
  now: Date;
  /** IANA zone of the client; every step but the notice is timed in it. */
  timezone: string;
  /** ISO 3166-1 alpha-2 code; its public holidays are skipped when the rules say so. */
  country?: string;
  effectiveOn?: string;
  relationshipStartedOn?: string;
}

export interface Plan {
  effectiveOn: string;
  steps: Record<string, Step>;
}

/** What the check-in timing needs to know about an exit. */
export interface CheckInInput {
  /** `YYYY-MM-DD` in the client's zone. */
  effectiveOn: string;
  timezone: string;
  country?: string;
}

export interface CheckInSlot {
  /** 1-based: check-in n is due n × `checkIns.everyMonths` after the effective date. */
  index: number;
  /** `check-in-${index}`. */
  stepId: string;
  /** UTC ISO 8601, no milliseconds. */
  dueAt: string;
}

/**
 * `hour`:00 local on that calendar day. luxon keeps the wall time across DST changes. An hour
 * that does not exist that day (inside a spring-forward gap, e.g. 02:00 in Europe/Amsterdam on
 * the last Sunday of March) moves forward by the gap's length: 02:00 becomes 03:00 summer time,
 * the instant the gap ends. An hour that happens twice (autumn) is the first occurrence.
 */
function atHour(day: DateTime, hour: number): DateTime {
  return day.set({ hour, minute: 0, second: 0, millisecond: 0 });
}

function toUtcIso(at: DateTime, what: string): string {
  const iso = at.toUTC().toISO({ suppressMilliseconds: true });
  if (!iso) throw new RangeError(`Invalid time for ${what}: ${at.invalidExplanation ?? ''}`);
  return iso;
}

function localDate(iso: string, timezone: string, what: string): DateTime {
  const day = DateTime.fromISO(iso, { zone: timezone });
  if (!day.isValid) throw new RangeError(`Invalid ${what} ${iso} in ${timezone}`);
  return day.startOf('day');
}

/** Days of notice owed for a relationship that started on `startedOn` (ISO date), as of `today`. */
export function noticeDays(rules: SequenceRules, today: DateTime, startedOn?: string): number {
  if (!startedOn) return rules.notice.otherwiseDays;
  const months = today.diff(DateTime.fromISO(startedOn, { zone: today.zone }), 'months').months;
  const row = rules.notice.periods.find((r) => months < r.underMonths);
  return row ? row.days : rules.notice.otherwiseDays;
}

function checkInAt(
  effective: DateTime,
  calendar: BusinessCalendar,
  index: number,
  rules: SequenceRules,
): DateTime {
  if (!Number.isInteger(index) || index < 1) {
    throw new RangeError(`Check-in index must be a whole number ≥ 1, got ${index}`);
  }
  // From the effective date each time, never chained: 31 Aug + 6 months is 28/29 Feb, and + 12
  // months is 31 Aug again, not 28 Aug.
  const day = effective.plus({ months: index * rules.checkIns.everyMonths });
  return atHour(calendar.nextBusinessDay(day), rules.sendHour);
}

/**
 * When the `index`-th check-in (1-based) is due: the effective date plus index × everyMonths,
 * moved to the next business day, at the send hour in the client's zone. Does not look at
 * `checkIns.maxCount`; `nextCheckIn` does.
 */
export function checkInDueAt(input: CheckInInput, index: number, rules: SequenceRules): DateTime {
  const effective = localDate(input.effectiveOn, input.timezone, 'effective date');
  return checkInAt(effective, businessCalendar(rules, input.country), index, rules);
}

function firstCheckInAfter(
  effective: DateTime,
  calendar: BusinessCalendar,
  after: DateTime,
  rules: SequenceRules,
): CheckInSlot | undefined {
  for (let index = 1; index <= rules.checkIns.maxCount; index += 1) {
    const due = checkInAt(effective, calendar, index, rules);
    if (due > after)
      return { index, stepId: `check-in-${index}`, dueAt: toUtcIso(due, 'check-in') };
  }
  return undefined;
}

/**
 * The first check-in due strictly after `after`, or undefined when every one up to
 * `checkIns.maxCount` is due at or before it. Slots already passed are skipped, not caught up:
 * resuming a paused exit does not send a burst of missed check-ins.
 */
export function nextCheckIn(
  input: CheckInInput,
  after: Date,
  rules: SequenceRules,
): CheckInSlot | undefined {
  const effective = localDate(input.effectiveOn, input.timezone, 'effective date');
  const calendar = businessCalendar(rules, input.country);
  return firstCheckInAfter(effective, calendar, DateTime.fromJSDate(after), rules);
}

/**
 * The earliest send time strictly after `after`: a business day of the client, at the send hour
 * in their zone. UTC ISO 8601, no milliseconds. Used to reschedule a step when a paused exit
 * resumes.
 */
export function nextSendSlot(
  after: Date,
  timezone: string,
  country: string | undefined,
  rules: SequenceRules,
): string {
  const calendar = businessCalendar(rules, country);
  const from = DateTime.fromJSDate(after, { zone: timezone });
  let day = calendar.nextBusinessDay(from.startOf('day'));
  while (atHour(day, rules.sendHour) <= from) {
    day = calendar.nextBusinessDay(day.plus({ days: 1 }));
  }
  return toUtcIso(atHour(day, rules.sendHour), 'send slot');
}

function step(id: string, kind: StepKind, dueAt: DateTime): Step {
  return { id, kind, dueAt: toUtcIso(dueAt, `step ${id}`), state: 'scheduled', attempts: 0 };
}

/**
 * Plans every step of an exit. The notice is due at once; every other step at the send hour, in
 * the client's zone, on a business day (weekends and, when the country is known, its public
 * holidays skipped), never before the step that precedes it. No reminder step when reminders are
 * off; the first check-in is the first one due after the step before it (normally check-in-1;
 * a later one when the effective date is far in the past), none when check-ins are off.
 */
export function planExit(input: PlanInput, rules: SequenceRules = DEFAULT_RULES): Plan {
  const calendar = businessCalendar(rules, input.country);
  const now = DateTime.fromJSDate(input.now, { zone: input.timezone });
  const today = now.startOf('day');
  // A date the caller gave is theirs to choose; one we compute must not end a relationship on a
  // weekend or public holiday of the client's country, so it moves to the next business day.
  const effective = input.effectiveOn
    ? localDate(input.effectiveOn, input.timezone, 'effective date')
    : calendar.nextBusinessDay(
        today.plus({ days: noticeDays(rules, today, input.relationshipStartedOn) }),
      );

  // A step already due when planned (an effective date in the past) goes on the business day
  // after the previous step's, at the send hour, so the client never gets two emails at once.
  const notBefore = (candidate: DateTime, previous: DateTime): DateTime => {
    if (candidate > previous) return candidate;
    return atHour(
      calendar.nextBusinessDay(previous.startOf('day').plus({ days: 1 })),
      rules.sendHour,
    );
  };

  // Due times carry whole seconds only (as the scheduler does): the notice is due at once.
  const notice = now.startOf('second');
  const gratitude = notBefore(atHour(calendar.nextBusinessDay(effective), rules.sendHour), notice);
  const survey = notBefore(
    atHour(
      calendar.addBusinessDays(effective, rules.survey.businessDaysAfterEffective),
      rules.sendHour,
    ),
    gratitude,
  );
  const steps = [
    step('notice', 'notice', notice),
    step('gratitude', 'gratitude', gratitude),
    step('survey', 'survey', survey),
  ];
  let last = survey;
  if (rules.reminder.enabled) {
    const reminder = notBefore(
      atHour(
        calendar.nextBusinessDay(survey.plus({ days: rules.reminder.daysAfterSurvey })),
        rules.sendHour,
      ),
      survey,
    );
    steps.push(step('survey-reminder', 'survey-reminder', reminder));
    last = reminder;
  }
  const checkIn = firstCheckInAfter(effective, calendar, last, rules);
  if (checkIn) {
    steps.push({
      id: checkIn.stepId,
      kind: 'check-in',
      dueAt: checkIn.dueAt,
      state: 'scheduled',
      attempts: 0,
    });
  }

  const effectiveOn = effective.toISODate();
  if (!effectiveOn) throw new RangeError('Invalid effective date');
  return { effectiveOn, steps: Object.fromEntries(steps.map((s) => [s.id, s])) };
}
