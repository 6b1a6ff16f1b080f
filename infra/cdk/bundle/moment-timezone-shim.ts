/**
 * The part of `moment-timezone` that date-holidays (through date-holidays-parser and caldate)
 * calls, on the platform's own time zone database (`Intl`) instead of moment's 700 KB of packed
 * zone data. Selected only in the Lambda bundle (see `build.ts`); the planner's tests and local
 * mode run the real library. `test/infra/holiday-shims.test.ts` proves the holidays identical.
 *
 * Calls covered: `moment.tz('YYYY-MM-DD HH:mm:ss', zone).format()` (a wall time in a zone),
 * `moment.tz(date, zone)` then `year() month() date() hours() minutes() seconds()`, and
 * `moment(isoString).utcOffset('+08:00' | zone)` / `.tz(zone)` then `month() date()`.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** The zone's offset east of UTC, in minutes, at the instant `epochMs`. */
function offsetEast(epochMs: number, zone: string): number {
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of formatter(zone).formatToParts(new Date(epochMs))) {
    if (part.type === 'era') bc = part.value === 'BC';
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = bc ? 1 - (fields.year ?? 0) : (fields.year ?? 0);
  const local = Date.UTC(
    year,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  // Date.UTC maps years 0–99 to 1900–1999.
  const fixed = year >= 0 && year < 100 ? local - Date.UTC(1900, 0, 1) + Date.UTC(0, 0, 1) : local;
  return Math.round((fixed - Math.floor(epochMs / 1000) * 1000) / MINUTE);
}

/**
 * The instant of a wall time (`localMs`: the wall time read as if it were UTC) in `zone`, the way
 * moment-timezone resolves it: a wall time that happens twice (clocks going back) is the first
 * occurrence, one that never happens (clocks going forward) is read with the offset before the
 * change, which moves it forward by the gap.
 */
function instantOf(localMs: number, zone: string): number {
  const before = offsetEast(localMs - DAY, zone);
  const after = offsetEast(localMs + DAY, zone);
  const withBefore = localMs - before * MINUTE;
  if (before === after) return withBefore;
  const withAfter = localMs - after * MINUTE;
  const beforeHolds = offsetEast(withBefore, zone) === before;
  const afterHolds = offsetEast(withAfter, zone) === after;
  if (beforeHolds && afterHolds) return Math.min(withBefore, withAfter);
  if (afterHolds) return withAfter;
  return withBefore;
}

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

/** A point in time seen from one zone or fixed offset: the moment methods date-holidays reads. */
class ZonedMoment {
  private readonly wall: Date;

  constructor(
    private readonly epochMs: number,
    private readonly offsetMinutes: number,
  ) {
    this.wall = new Date(epochMs + offsetMinutes * MINUTE);
  }

  year(): number {
    return this.wall.getUTCFullYear();
  }
  month(): number {
    return this.wall.getUTCMonth();
  }
  date(): number {
    return this.wall.getUTCDate();
  }
  hours(): number {
    return this.wall.getUTCHours();
  }
  minutes(): number {
    return this.wall.getUTCMinutes();
  }
  seconds(): number {
    return this.wall.getUTCSeconds();
  }

  /** moment's default format, `YYYY-MM-DDTHH:mm:ssZ`. */
  format(): string {
    const w = this.wall;
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    const offset = Math.abs(this.offsetMinutes);
    return (
      `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}` +
      `T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}` +
      `${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`
    );
  }

  /** Seen at a fixed offset such as `+08:00`. */
  utcOffset(offset: string): ZonedMoment {
    const match = FIXED_OFFSET.exec(offset);
    if (!match) throw new RangeError(`moment-timezone shim: unsupported offset ${offset}`);
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return new ZonedMoment(this.epochMs, match[1] === '-' ? -minutes : minutes);
  }

  /** Seen from an IANA zone. */
  tz(zone: string): ZonedMoment {
    return new ZonedMoment(this.epochMs, offsetEast(this.epochMs, zone));
  }
}

function parseInstant(input: string | Date): number {
  const epochMs = input instanceof Date ? input.getTime() : Date.parse(input);
  if (Number.isNaN(epochMs)) throw new RangeError(`moment-timezone shim: invalid date ${input}`);
  return epochMs;
}

/** `moment(instant)`: only ever moved to a zone or offset before it is read. */
function moment(input: string | Date): ZonedMoment {
  return new ZonedMoment(parseInstant(input), 0);
}

/**
 * `moment.tz(input, zone)`: a `Date` is an instant seen from `zone`; a string without an offset
 * is a wall time in `zone`.
 */
moment.tz = (input: string | Date, zone: string): ZonedMoment => {
  if (typeof input === 'string') {
    const wall = WALL_TIME.exec(input);
    if (wall) {
      const [, y, mo, d, h, mi, s] = wall.map(Number) as number[];
      const local = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
      const epochMs = instantOf(local, zone);
      return new ZonedMoment(epochMs, offsetEast(epochMs, zone));
    }
  }
  const epochMs = parseInstant(input);
  return new ZonedMoment(epochMs, offsetEast(epochMs, zone));
};

export default moment;
