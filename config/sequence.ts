import { defineSequence } from '../functions/domain/sequence-rules.js';

/**
 * The exit sequence: when each email goes out. Edit the values here; the file is validated when
 * Farewell starts, and an invalid value stops it with a message naming the field.
 *
 * Every step but the notice is sent at `sendHour` in the client's time zone, on a business day.
 */
export const sequence = defineSequence({
  /** Local hour (0–23) in the client's time zone. */
  sendHour: 10,
  /** Days that count as business days: mon, tue, wed, thu, fri, sat, sun. */
  businessDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  /** Also skip the public holidays of the client's country, when the exit gives one. */
  skipPublicHolidays: true,
  /**
   * Notice before the effective date, when the request gives none: the first period whose
   * `underMonths` is longer than the relationship wins; `otherwiseDays` when none does or when
   * the relationship's start is unknown.
   */
  notice: {
    periods: [
      { underMonths: 6, days: 14 },
      { underMonths: 24, days: 30 },
    ],
    otherwiseDays: 60,
  },
  /**
   * A requested effective date up to `pastGraceDays` (0–60) before the client's today is taken
   * as today (the exit starts now); one further back is refused.
   */
  effectiveDate: { pastGraceDays: 7 },
  /** The thank-you email goes on the effective date (the next business day if it is not one). */
  gratitude: { onEffectiveDate: true },
  /** The survey invitation, this many business days after the effective date. */
  survey: { businessDaysAfterEffective: 3 },
  /** One reminder this many days after the survey (then the next business day), if unanswered. */
  reminder: { daysAfterSurvey: 7, enabled: true },
  /** Stay in touch every `everyMonths` (1–24) from the effective date, at most `maxCount` times. */
  checkIns: { everyMonths: 6, maxCount: 10 },
  /** IANA time zone of clients whose exit gives none. */
  defaultTimezone: 'Europe/London',
});
