import { DateTime } from 'luxon';
import type { Step, StepKind } from './exit.js';

/** The timing rules of a sequence. The sequence issue moves these into a typed config file. */
export interface SequenceRules {
  /** Local hour (client's zone) at which every step but the notice is sent. */
  sendHour: number;
  surveyBusinessDaysAfterEffective: number;
  reminderDaysAfterSurvey: number;
  checkInEveryMonths: number;
  /** Notice period by relationship length: the first row whose `underMonths` exceeds it wins. */
  noticePeriod: { underMonths: number; days: number }[];
  /** Notice period when the relationship's start is unknown or longer than every row. */
  defaultNoticeDays: number;
}

export const DEFAULT_RULES: SequenceRules = {
  sendHour: 10,
  surveyBusinessDaysAfterEffective: 3,
  reminderDaysAfterSurvey: 7,
  checkInEveryMonths: 6,
  noticePeriod: [
    { underMonths: 6, days: 14 },
    { underMonths: 24, days: 30 },
  ],
  defaultNoticeDays: 60,
};

export interface PlanInput {
  now: Date;
  timezone: string;
  effectiveOn?: string;
  relationshipStartedOn?: string;
}

export interface Plan {
  effectiveOn: string;
  steps: Record<string, Step>;
}

function isBusinessDay(day: DateTime): boolean {
  return day.weekday <= 5;
}

/** The first business day on or after `day`. */
function onOrAfterBusinessDay(day: DateTime): DateTime {
  let candidate = day;
  while (!isBusinessDay(candidate)) candidate = candidate.plus({ days: 1 });
  return candidate;
}

function addBusinessDays(day: DateTime, count: number): DateTime {
  let candidate = day;
  let added = 0;
  while (added < count) {
    candidate = candidate.plus({ days: 1 });
    if (isBusinessDay(candidate)) added += 1;
  }
  return candidate;
}

/** `hour`:00 local on that calendar day; luxon keeps the wall time across DST changes. */
function atHour(day: DateTime, hour: number): DateTime {
  return day.set({ hour, minute: 0, second: 0, millisecond: 0 });
}

/** Days of notice owed for a relationship that started on `startedOn` (ISO date), as of `today`. */
export function noticeDays(rules: SequenceRules, today: DateTime, startedOn?: string): number {
  if (!startedOn) return rules.defaultNoticeDays;
  const months = today.diff(DateTime.fromISO(startedOn, { zone: today.zone }), 'months').months;
  const row = rules.noticePeriod.find((r) => months < r.underMonths);
  return row ? row.days : rules.defaultNoticeDays;
}

function step(id: string, kind: StepKind, dueAt: DateTime): Step {
  const iso = dueAt.toUTC().toISO({ suppressMilliseconds: true });
  if (!iso) throw new Error(`Invalid due time for step ${id}`);
  return { id, kind, dueAt: iso, state: 'scheduled', attempts: 0 };
}

/**
 * Plans every step of an exit. The notice is due at once; every other step at the send hour, in
 * the client's zone, on a business day, never before the step that precedes it.
 */
export function planExit(input: PlanInput, rules: SequenceRules = DEFAULT_RULES): Plan {
  const now = DateTime.fromJSDate(input.now, { zone: input.timezone });
  const today = now.startOf('day');
  const effective = input.effectiveOn
    ? DateTime.fromISO(input.effectiveOn, { zone: input.timezone })
    : today.plus({ days: noticeDays(rules, today, input.relationshipStartedOn) });

  // A step already due when planned (an effective date in the past) goes on the next business
  // day at the send hour, so the client never gets two emails in the same minute.
  const notBefore = (candidate: DateTime, previous: DateTime): DateTime => {
    if (candidate > previous) return candidate;
    return atHour(onOrAfterBusinessDay(previous.plus({ days: 1 }).startOf('day')), rules.sendHour);
  };

  const notice = now;
  const gratitude = notBefore(atHour(onOrAfterBusinessDay(effective), rules.sendHour), notice);
  const survey = notBefore(
    atHour(addBusinessDays(effective, rules.surveyBusinessDaysAfterEffective), rules.sendHour),
    gratitude,
  );
  const reminder = notBefore(
    atHour(
      onOrAfterBusinessDay(survey.plus({ days: rules.reminderDaysAfterSurvey })),
      rules.sendHour,
    ),
    survey,
  );
  const checkIn = notBefore(
    atHour(
      onOrAfterBusinessDay(effective.plus({ months: rules.checkInEveryMonths })),
      rules.sendHour,
    ),
    reminder,
  );

  const steps = [
    step('notice', 'notice', notice),
    step('gratitude', 'gratitude', gratitude),
    step('survey', 'survey', survey),
    step('survey-reminder', 'survey-reminder', reminder),
    step('check-in-1', 'check-in', checkIn),
  ];
  const effectiveOn = effective.toISODate();
  if (!effectiveOn) throw new Error('Invalid effective date');
  return { effectiveOn, steps: Object.fromEntries(steps.map((s) => [s.id, s])) };
}
