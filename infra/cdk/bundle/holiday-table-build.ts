import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import Holidays from 'date-holidays';
import { PROJECT_ROOT } from '../bundling.js';
import { encodeHolidayTable, type HolidayYears } from './holiday-table-codec.js';

const require = createRequire(import.meta.url);

/**
 * The years the table covers for a bundle built at `now`: last year (a holiday of several days
 * can reach into this one) to three years ahead. Plans beyond that are rare (a check-in years
 * away) and are answered by the library itself, loaded on demand.
 */
export function holidayYears(now: Date = new Date()): HolidayYears {
  const year = now.getUTCFullYear();
  return { first: year - 1, last: year + 3 };
}

function version(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * The holiday table for `years`, brotli-compressed and base64-encoded, computed with the real
 * date-holidays (and moment-timezone) from node_modules. Cached under `node_modules/.cache` by
 * library versions and years: two functions share it, and a build takes a few seconds.
 */
export function holidayTableData(years: HolidayYears): string {
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        format: 1,
        years,
        versions: ['date-holidays', 'date-holidays-parser', 'moment-timezone'].map(version),
        codec: readFileSync(new URL('./holiday-table-codec.ts', import.meta.url)),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const dir = join(PROJECT_ROOT, 'node_modules', '.cache', 'farewell', 'holiday-table');
  const file = join(dir, `${years.first}-${years.last}-${key}.b64`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not cached yet.
  }
  const countries = new Holidays().getCountries();
  const text = encodeHolidayTable(
    { countries, holidays: (country, year) => new Holidays(country).getHolidays(year) },
    years,
  );
  const data = brotliCompressSync(text, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: text.length,
    },
  }).toString('base64');
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
  return data;
}
