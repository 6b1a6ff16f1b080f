import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sourceCalendar from '../../functions/domain/calendar.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { buildHolidayEngine, bundleFunction } from '../../infra/cdk/bundle/build.js';
import { type LibraryHoliday, publicOnly } from '../../infra/cdk/bundle/holiday-table-codec.js';
import { PROJECT_ROOT } from '../../infra/cdk/bundling.js';

/**
 * The Lambda bundle replaces date-holidays (a table of public holidays, the library on demand) and,
 * inside that library, moment-timezone (the platform's `Intl` zones). Both are built here exactly
 * as the bundler builds them and compared with the real libraries for every country date-holidays
 * knows, 2026–2030. The table covers 2026–2028 in this build, so 2029–2030 come from the library
 * the bundle loads on demand.
 */
const YEARS = [2026, 2027, 2028, 2029, 2030];
/** 1 January 2026 to 31 December 2030. */
const DAYS = 1826;
const TABLE_YEARS = { first: 2026, last: 2028 };
const countries = Object.keys(new Holidays().getCountries());

type HolidaysClass = new (
  country?: string,
) => {
  getCountries(): Record<string, string>;
  getHolidays(year: number): LibraryHoliday[];
};
type Calendar = typeof sourceCalendar;

let dir: string;
let shimmedLibrary: HolidaysClass;
let tableShim: HolidaysClass;
let bundledCalendar: Calendar;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'farewell-holidays-'));
  const require = createRequire(import.meta.url);
  await buildHolidayEngine(join(dir, 'engine', 'holidays-engine.cjs'));
  shimmedLibrary = (
    require(join(dir, 'engine', 'holidays-engine.cjs')) as { default: HolidaysClass }
  ).default;
  const shim = await bundleFunction(
    join(PROJECT_ROOT, 'infra/cdk/bundle/date-holidays-shim.ts'),
    join(dir, 'shim'),
    { holidayYears: TABLE_YEARS },
  );
  tableShim = (
    (await import(pathToFileURL(join(shim.dir, 'index.mjs')).href)) as { default: HolidaysClass }
  ).default;
  const calendar = await bundleFunction(
    join(PROJECT_ROOT, 'functions/domain/calendar.ts'),
    join(dir, 'calendar'),
    { holidayYears: TABLE_YEARS },
  );
  bundledCalendar = (await import(pathToFileURL(join(calendar.dir, 'index.mjs')).href)) as Calendar;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled holiday library (moment-timezone on Intl)', () => {
  it('gives every holiday of every country exactly as date-holidays does', () => {
    const differences: string[] = [];
    for (const country of countries) {
      const real = new Holidays(country);
      const shimmed = new shimmedLibrary(country);
      for (const year of YEARS) {
        const expected = JSON.stringify(real.getHolidays(year));
        if (JSON.stringify(shimmed.getHolidays(year)) !== expected) {
          differences.push(`${country} ${year}`);
        }
      }
    }

    expect(countries.length).toBeGreaterThan(200);
    expect(differences).toEqual([]);
  }, 60_000);
});

describe('the bundled date-holidays stand-in (table, then library)', () => {
  it('lists the same countries', () => {
    expect(new tableShim().getCountries()).toEqual(new Holidays().getCountries());
  });

  it('gives the public holidays of every country as date-holidays does', () => {
    const differences: string[] = [];
    for (const country of countries) {
      const real = new Holidays(country);
      const shimmed = new tableShim(country);
      for (const year of YEARS) {
        const expected = JSON.stringify(publicOnly(real.getHolidays(year)));
        if (JSON.stringify(shimmed.getHolidays(year)) !== expected) {
          differences.push(`${country} ${year}`);
        }
      }
    }

    expect(differences).toEqual([]);
  }, 60_000);
});

describe('the bundled business calendar', () => {
  it('agrees with the source calendar on every day of every country', () => {
    // Calendar days only matter by their date, so UTC days stand for every zone's (and are cheap).
    const first = DateTime.fromObject({ year: 2026, month: 1, day: 1 }, { zone: 'utc' });
    const days = Array.from({ length: DAYS }, (_, offset) => first.plus({ days: offset }));
    const differences: string[] = [];
    for (const country of countries) {
      const source = sourceCalendar.businessCalendar(DEFAULT_RULES, country);
      const bundled = bundledCalendar.businessCalendar(DEFAULT_RULES, country);
      for (const day of days) {
        if (source.isBusinessDay(day) !== bundled.isBusinessDay(day)) {
          differences.push(`${country} ${day.toISODate()}`);
        }
      }
    }

    expect(differences).toEqual([]);
  }, 120_000);
});
