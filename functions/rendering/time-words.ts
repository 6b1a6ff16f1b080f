import { DateTime } from 'luxon';

// The emails are in English for now; dates follow the client's region (see `emailDateLocale`).
const WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

function count(n: number): string {
  return WORDS[n] ?? String(n);
}

/**
 * A calendar date (`YYYY-MM-DD`, already a day in the client's zone) written the client's way,
 * e.g. "Monday 31 March 2025" for en-GB or "lundi 31 mars 2025" for fr-FR.
 */
export function formatDate(isoDate: string, locale: string): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  const options = { dateStyle: 'full', timeZone: 'UTC' } as const;
  try {
    return new Intl.DateTimeFormat(locale, options).format(date);
  } catch {
    // A locale tag this runtime cannot use still gets a readable date.
    return new Intl.DateTimeFormat('en-GB', options).format(date);
  }
}

function regionsOf(locale: string): (string | undefined)[] {
  try {
    const parsed = new Intl.Locale(locale);
    return [parsed.region, parsed.maximize().region];
  } catch {
    return [];
  }
}

/** True when Intl has English date conventions of its own for `region` (not plain `en`). */
function hasEnglishFor(region: string): boolean {
  const tag = `en-${region}`;
  return new Intl.DateTimeFormat(tag).resolvedOptions().locale === tag;
}

/**
 * The locale an English email writes dates in: English words with the client's regional
 * conventions (`de-DE` → `en-DE`, "Saturday, 2 January 2027"), so no German day names appear
 * inside English sentences. The locale's own region wins, then the client's country, then the
 * region the language usually has; en-GB when Intl knows none of them.
 */
export function emailDateLocale(locale: string, country?: string): string {
  const [explicit, likely] = regionsOf(locale);
  for (const region of [explicit, country, likely]) {
    if (region && /^[A-Z]{2}$/.test(region) && hasEnglishFor(region)) return `en-${region}`;
  }
  return 'en-GB';
}

/** The day an instant falls on in the client's zone, written the client's way (see `formatDate`). */
export function formatDay(instant: Date | string, locale: string, timezone: string): string {
  const day = DateTime.fromJSDate(new Date(instant), { zone: timezone }).toISODate();
  return day ? formatDate(day, locale) : '';
}

/** Whole months from one calendar date to another (negative when `to` is earlier). */
export function monthsBetween(from: string, to: string): number {
  return Math.floor(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'months').months);
}

/** Calendar days from today in `timezone` to `isoDate`. */
export function daysUntil(isoDate: string, now: Date, timezone: string): number {
  const today = DateTime.fromJSDate(now, { zone: timezone }).toISODate() ?? isoDate;
  return Math.round(DateTime.fromISO(isoDate).diff(DateTime.fromISO(today), 'days').days);
}

/** A length of time in words: "a few weeks", "six months", "a year and a half", "nearly three years". */
export function spanInWords(months: number): string {
  if (months < 1) return 'a few weeks';
  if (months === 1) return 'a month';
  if (months < 12) return `${count(months)} months`;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (rest < 3) return years === 1 ? 'a year' : `${count(years)} years`;
  if (rest < 9) return years === 1 ? 'a year and a half' : `${count(years)} and a half years`;
  return `nearly ${count(years + 1)} years`;
}

/** The same length looking back from today: "the past two years", "the past month". */
export function pastSpanInWords(months: number): string {
  const span = spanInWords(months);
  if (span.startsWith('nearly')) return span;
  return `the past ${span.replace(/^an? /, '')}`;
}

/** A notice period in words: "14 days", or whole weeks from three weeks up ("six weeks"). */
export function periodInWords(days: number): string {
  if (days === 1) return 'one day';
  if (days >= 21 && days % 7 === 0) return `${count(days / 7)} weeks`;
  return `${days} days`;
}
