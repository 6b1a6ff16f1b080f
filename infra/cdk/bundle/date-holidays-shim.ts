import { createRequire } from 'node:module';
import { brotliDecompressSync } from 'node:zlib';
import {
  decodeHolidayTable,
  type HolidayTable,
  type LibraryHoliday,
  type PublicHoliday,
  publicOnly,
} from './holiday-table-codec.js';
import { HOLIDAY_TABLE } from './holiday-table-data.js';

/**
 * What `date-holidays` is in the Lambda bundle (selected by `build.ts`, nowhere else): the
 * library's public holidays, from a table computed at bundle time for the years around the build
 * (`HOLIDAY_TABLE`), and from the library itself, loaded on first need from `holidays-engine.cjs`
 * beside the bundle, for any other year or request.
 *
 * It offers the calls Farewell makes (`functions/domain/calendar.ts`): `getCountries()` and
 * `getHolidays(year)` for a country, listing public holidays only, with `date`, `start`, `end`,
 * `type` and `substitute`, never names. `test/infra/holiday-shims.test.ts` proves the answers
 * identical to the library's for every country.
 */

/** The file the bundler writes the library to, next to the function's `index.mjs`. */
export const HOLIDAY_ENGINE_FILE = 'holidays-engine.cjs';

interface EngineHolidays {
  getCountries(): Record<string, string>;
  getHolidays(year?: number): LibraryHoliday[];
}
type Engine = new (country?: string) => EngineHolidays;

let table: HolidayTable | undefined;
let engine: Engine | undefined;

function holidayTable(): HolidayTable | undefined {
  if (HOLIDAY_TABLE.data === '') return undefined;
  table ??= decodeHolidayTable(
    brotliDecompressSync(Buffer.from(HOLIDAY_TABLE.data, 'base64')).toString('utf8'),
  );
  return table;
}

function holidayEngine(): Engine {
  engine ??= (createRequire(import.meta.url)(`./${HOLIDAY_ENGINE_FILE}`) as { default: Engine })
    .default;
  return engine;
}

const COUNTRY = /^[A-Za-z]{2}$/;

export default class Holidays {
  readonly #country: string | undefined;
  #engine: EngineHolidays | undefined;

  constructor(country?: string) {
    this.#country = country;
  }

  getCountries(): Record<string, string> {
    return { ...(holidayTable()?.countries ?? this.#fromEngine().getCountries()) };
  }

  getHolidays(year: number = new Date().getFullYear()): PublicHoliday[] {
    const country = this.#country;
    if (country !== undefined && COUNTRY.test(country)) {
      const known = holidayTable()?.holidays(country.toUpperCase(), year);
      if (known) return known;
    }
    return publicOnly(this.#fromEngine().getHolidays(year));
  }

  #fromEngine(): EngineHolidays {
    if (!this.#engine) {
      const Library = holidayEngine();
      this.#engine = this.#country === undefined ? new Library() : new Library(this.#country);
    }
    return this.#engine;
  }
}
