/**
 * A compact text form of the public holidays date-holidays computes, country by country and year
 * by year, so a Lambda can answer the common years from a table instead of shipping and running
 * the library's rule engine (see `date-holidays-shim.ts`). Encoded at bundle time from the real
 * library (`holiday-table-build.ts`); the encoder checks that decoding gives back every holiday
 * exactly, so a table that could differ from the library is never written.
 */

/** What the bundled `date-holidays` stand-in returns: the library's public holidays, unnamed. */
export interface PublicHoliday {
  /** Local start, `YYYY-MM-DD hh:mm:ss`, with the library's suffix (e.g. ` -0600`) if it has one. */
  date: string;
  start: Date;
  end: Date;
  type: 'public';
  substitute?: true;
}

/** One holiday as the library gives it; only these fields are kept. */
export interface LibraryHoliday {
  date: string;
  start: Date;
  end: Date;
  type: string;
  substitute?: boolean;
}

export interface HolidayYears {
  first: number;
  last: number;
}

export interface HolidaySource {
  /** Country code → name, in the library's order (`new Holidays().getCountries()`). */
  countries: Record<string, string>;
  holidays(country: string, year: number): LibraryHoliday[];
}

export interface HolidayTable {
  years: HolidayYears;
  countries: Record<string, string>;
  /** The public holidays of a country and year, or undefined outside the table. */
  holidays(country: string, year: number): PublicHoliday[] | undefined;
}

const FORMAT = 'farewell-holidays-1';
const MINUTE = 60_000;
const DAY = 86_400_000;
const FULL_DAY_MINUTES = 1440;
// Day indexes are stored as two base-36 digits after adding this, so -400…895 fit.
const DAY_BIAS = 400;
const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (.+))?$/;
const ENTRY = /^([0-9a-z]{2})(?:@([0-9a-z]+))?('*)(?:\+([0-9a-z]+))?(?:-([0-9a-z]*))?(!)?$/;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function parseDate(date: string): { day: number; minutes: number; suffix: string | undefined } {
  const match = DATE.exec(date);
  // Seconds are always 00 in the library's dates; the table stores minutes.
  if (match === null || match[6] !== '00') throw new Error(`Unexpected holiday date ${date}`);
  const [, y, m, d, hh, mm] = match.map(Number) as number[];
  return {
    day: Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1),
    minutes: (hh ?? 0) * 60 + (mm ?? 0),
    suffix: match[7],
  };
}

function wholeMinutes(ms: number, what: string): number {
  if (ms % MINUTE !== 0) throw new Error(`Holiday ${what} is not a whole number of minutes`);
  return ms / MINUTE;
}

interface Encoded {
  dayIndex: number;
  minutes: number;
  offset: number;
  duration: number;
  suffix: string | undefined;
  substitute: boolean;
}

function describe(holiday: LibraryHoliday, year: number): Encoded {
  const { day, minutes, suffix } = parseDate(holiday.date);
  return {
    dayIndex: (day - Date.UTC(year, 0, 1)) / DAY,
    minutes,
    offset: wholeMinutes(holiday.start.getTime() - day, 'start') - minutes,
    duration: wholeMinutes(holiday.end.getTime() - holiday.start.getTime(), 'length'),
    suffix,
    substitute: holiday.substitute === true,
  };
}

/** The library's holidays as the stand-in returns them: public ones only, unnamed. */
export function publicOnly(holidays: LibraryHoliday[]): PublicHoliday[] {
  return holidays
    .filter((holiday) => holiday.type === 'public')
    .map((holiday) => ({
      date: holiday.date,
      start: new Date(holiday.start.getTime()),
      end: new Date(holiday.end.getTime()),
      type: 'public' as const,
      ...(holiday.substitute === true ? { substitute: true as const } : {}),
    }));
}

/** Encodes the public holidays of every country for `years`, and proves the text decodes back. */
export function encodeHolidayTable(source: HolidaySource, years: HolidayYears): string {
  const suffixes: string[] = [];
  const lines: string[] = [];
  const expected = new Map<string, PublicHoliday[]>();
  for (const [country, name] of Object.entries(source.countries)) {
    if (/[\t\n]/.test(name)) throw new Error(`Unexpected country name ${JSON.stringify(name)}`);
    const perYear: Encoded[][] = [];
    const offsetCounts = new Map<number, number>();
    for (let year = years.first; year <= years.last; year += 1) {
      const holidays = publicOnly(source.holidays(country, year));
      expected.set(`${country}:${year}`, holidays);
      const encoded = holidays.map((holiday) => describe(holiday, year));
      for (const { offset } of encoded)
        offsetCounts.set(offset, (offsetCounts.get(offset) ?? 0) + 1);
      perYear.push(encoded);
    }
    // The commonest offset costs nothing; the others one quote mark per rank.
    const offsets = [...offsetCounts].sort((a, b) => b[1] - a[1]).map(([offset]) => offset);
    const entries = perYear.map((encoded) =>
      encoded
        .map((e) => {
          if (e.dayIndex + DAY_BIAS < 36 || e.dayIndex + DAY_BIAS >= 36 * 36) {
            throw new Error(`Holiday of ${country} too far from its year`);
          }
          let text = (e.dayIndex + DAY_BIAS).toString(36);
          if (e.minutes !== 0) text += `@${e.minutes.toString(36)}`;
          text += "'".repeat(offsets.indexOf(e.offset));
          if (e.duration !== FULL_DAY_MINUTES) text += `+${e.duration.toString(36)}`;
          if (e.suffix !== undefined) {
            if (!suffixes.includes(e.suffix)) suffixes.push(e.suffix);
            const index = suffixes.indexOf(e.suffix);
            text += `-${index === 0 ? '' : index.toString(36)}`;
          }
          return e.substitute ? `${text}!` : text;
        })
        .join(','),
    );
    lines.push(
      [country, name, offsets.map((o) => o.toString(36)).join(','), entries.join(' ')].join('\t'),
    );
  }
  if (suffixes.some((suffix) => /[\t\n|]/.test(suffix))) throw new Error('Unexpected date suffix');
  const text = [`${FORMAT}\t${years.first}\t${years.last}\t${suffixes.join('|')}`, ...lines].join(
    '\n',
  );

  const table = decodeHolidayTable(text);
  if (JSON.stringify(table.countries) !== JSON.stringify(source.countries)) {
    throw new Error('Holiday table: the country list does not decode back');
  }
  for (const [key, holidays] of expected) {
    const [country = '', year = ''] = key.split(':');
    if (JSON.stringify(table.holidays(country, Number(year))) !== JSON.stringify(holidays)) {
      throw new Error(`Holiday table: ${key} does not decode back to the library's holidays`);
    }
  }
  return text;
}

interface CountryRow {
  offsets: number[];
  years: string[];
}

/** Reads a table written by `encodeHolidayTable`; rows are decoded on first use. */
export function decodeHolidayTable(text: string): HolidayTable {
  const [header = '', ...lines] = text.split('\n');
  const [format, first, last, suffixList = ''] = header.split('\t');
  if (format !== FORMAT) throw new Error('Not a Farewell holiday table');
  const years = { first: Number(first), last: Number(last) };
  const suffixes = suffixList === '' ? [] : suffixList.split('|');
  const countries: Record<string, string> = {};
  const rows = new Map<string, string>();
  for (const line of lines) {
    const tab = line.indexOf('\t');
    const code = line.slice(0, tab);
    countries[code] = line.slice(tab + 1, line.indexOf('\t', tab + 1));
    rows.set(code, line);
  }
  const parsed = new Map<string, CountryRow>();
  const row = (code: string): CountryRow | undefined => {
    const found = parsed.get(code);
    if (found) return found;
    const line = rows.get(code);
    if (line === undefined) return undefined;
    const [, , offsets = '', entries = ''] = line.split('\t');
    const result = {
      offsets: offsets.split(',').map((o) => Number.parseInt(o, 36)),
      years: entries.split(' '),
    };
    parsed.set(code, result);
    return result;
  };

  return {
    years,
    countries,
    holidays(country, year) {
      if (year < years.first || year > years.last) return undefined;
      const found = row(country);
      const entries = found?.years[year - years.first];
      if (found === undefined || entries === undefined) return undefined;
      if (entries === '') return [];
      return entries.split(',').map((entry) => {
        const match = ENTRY.exec(entry);
        if (!match) throw new Error(`Bad holiday table entry ${entry}`);
        const [, dayText = '', timeText, quotes = '', durationText, suffixText, bang] = match;
        const day = Date.UTC(year, 0, 1) + (Number.parseInt(dayText, 36) - DAY_BIAS) * DAY;
        const minutes = timeText === undefined ? 0 : Number.parseInt(timeText, 36);
        const offset = found.offsets[quotes.length] ?? 0;
        const duration =
          durationText === undefined ? FULL_DAY_MINUTES : Number.parseInt(durationText, 36);
        const suffix =
          suffixText === undefined
            ? undefined
            : suffixes[suffixText === '' ? 0 : Number.parseInt(suffixText, 36)];
        const local = new Date(day + minutes * MINUTE);
        const date =
          `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
          `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:00` +
          (suffix === undefined ? '' : ` ${suffix}`);
        const start = day + (minutes + offset) * MINUTE;
        return {
          date,
          start: new Date(start),
          end: new Date(start + duration * MINUTE),
          type: 'public' as const,
          ...(bang ? { substitute: true as const } : {}),
        };
      });
    },
  };
}
