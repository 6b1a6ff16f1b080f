import Holidays from 'date-holidays';
import type { DateTime } from 'luxon';
import type { SequenceRules, Weekday } from './sequence-rules.js';
import { WEEKDAYS } from './sequence-rules.js';

/** Which days a step other than the notice may be sent on, for one client. */
export interface BusinessCalendar {
  /** True when the local calendar date of `day` (in its own zone) is a business day. */
  isBusinessDay(day: DateTime): boolean;
  /** `onOrAfter` itself when it is a business day, else the first later one (same wall time). */
  nextBusinessDay(onOrAfter: DateTime): DateTime;
  /** The `count`-th business day after `day` (same wall time); `day` itself when `count` is 0. */
  addBusinessDays(day: DateTime, count: number): DateTime;
}

let holidayCountries: ReadonlySet<string> | undefined;

/** True for an upper-case code the holiday library has a calendar for. */
export function hasHolidayCalendar(code: string): boolean {
  holidayCountries ??= new Set(Object.keys(new Holidays().getCountries()));
  return holidayCountries.has(code);
}

// Region codes that Intl names but that are not countries (or not ISO 3166-1's spelling of one).
const NOT_COUNTRIES = new Set(['UK', 'EU', 'EZ', 'UN', 'QO', 'ZZ']);
let regionNames: Intl.DisplayNames | undefined;

/**
 * True for an upper-case ISO 3166-1 alpha-2 country code. Countries the holiday library does not
 * cover (Qatar, Nepal…) are real countries too: their clients get weekends skipped, no holidays.
 */
export function isKnownCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  if (hasHolidayCalendar(code)) return true;
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  return regionNames.of(code) !== undefined;
}

// Building a Holidays instance parses the country's rules: keep one per country, and the public
// holiday dates of each year once computed.
const holidaysByCountry = new Map<string, Holidays>();
const publicDatesByYear = new Map<string, ReadonlySet<string>>();

const DAY_MS = 86_400_000;

/**
 * The local dates (`YYYY-MM-DD`) of `country`'s public holidays that fall in `year`. A holiday is
 * identified by the local date the library gives it, not by its UTC start, so it is the same day
 * in every zone. Holidays of several days (e.g. a three-day Eid) cover each of their dates; a
 * holiday of part of a day (e.g. from noon) counts the whole date. Substitute days are type
 * `public` in the library and count: offices are closed on them.
 */
function publicHolidayDates(country: string, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  const cached = publicDatesByYear.get(key);
  if (cached) return cached;
  let holidays = holidaysByCountry.get(country);
  if (!holidays) {
    holidays = new Holidays(country);
    holidaysByCountry.set(country, holidays);
  }
  const dates = new Set<string>();
  // A holiday of several days that starts late in the previous year can reach into this one.
  for (const holiday of [...holidays.getHolidays(year - 1), ...holidays.getHolidays(year)]) {
    if (holiday.type !== 'public') continue;
    const days = Math.max(
      1,
      Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS),
    );
    const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
    for (let i = 0; i < days; i += 1) {
      dates.add(new Date(first + i * DAY_MS).toISOString().slice(0, 10));
    }
  }
  publicDatesByYear.set(key, dates);
  return dates;
}

/**
 * The business calendar of a client: the rules' weekdays, minus — when `country` is given and the
 * rules skip public holidays — that country's public holidays (type `public` only; bank,
 * optional, school and observance days are working days). Days are local calendar dates in the
 * zone of the DateTime passed in, which callers keep in the client's zone.
 *
 * A real country the holiday library has no calendar for gets weekends only.
 *
 * @throws RangeError for a code that is not a country; input validation (`isKnownCountry`)
 *   keeps such a code out of an exit.
 */
export function businessCalendar(
  rules: Pick<SequenceRules, 'businessDays' | 'skipPublicHolidays'>,
  country?: string,
): BusinessCalendar {
  if (country !== undefined && !isKnownCountry(country)) {
    throw new RangeError(`No public holiday calendar for country ${JSON.stringify(country)}`);
  }
  const weekdays = new Set(rules.businessDays.map((day: Weekday) => WEEKDAYS.indexOf(day) + 1));
  const holidaysOf =
    rules.skipPublicHolidays && country !== undefined && hasHolidayCalendar(country)
      ? country
      : undefined;

  const isBusinessDay = (day: DateTime): boolean => {
    if (!weekdays.has(day.weekday)) return false;
    if (holidaysOf === undefined) return true;
    const date = day.toISODate();
    if (!date) throw new RangeError(`Invalid date: ${day.invalidExplanation ?? day.toString()}`);
    return !publicHolidayDates(holidaysOf, day.year).has(date);
  };

  const nextBusinessDay = (onOrAfter: DateTime): DateTime => {
    let candidate = onOrAfter;
    while (!isBusinessDay(candidate)) candidate = candidate.plus({ days: 1 });
    return candidate;
  };

  const addBusinessDays = (day: DateTime, count: number): DateTime => {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`Business days to add must be a whole number ≥ 0, got ${count}`);
    }
    let candidate = day;
    for (let added = 0; added < count; added += 1) {
      candidate = nextBusinessDay(candidate.plus({ days: 1 }));
    }
    return candidate;
  };

  return { isBusinessDay, nextBusinessDay, addBusinessDays };
}
