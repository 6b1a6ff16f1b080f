import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { DateTime, IANAZone } from 'luxon';

/** An error the emulator answers with, the way EventBridge Scheduler does: status + error type. */
export class SchedulerApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** One schedule as the Scheduler API shows it (dates in epoch seconds), plus emulator state. */
export interface ScheduleRecord {
  Arn: string;
  GroupName: string;
  Name: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State: 'ENABLED' | 'DISABLED';
  KmsKeyArn?: string;
  /** Kept as sent, so target parameters we do not model survive a round trip. */
  Target: { Arn: string; RoleArn: string; Input?: string; [key: string]: unknown };
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion: 'NONE' | 'DELETE';
  CreationDate: number;
  LastModificationDate: number;
  /** Emulator only: when a one-time schedule fired. A completed schedule never fires again. */
  completedAt?: number;
  /** Emulator only: bumped on every update, so a firing does not complete a newer definition. */
  revision: number;
}

export interface ScheduleFilter {
  groupName?: string;
  namePrefix?: string;
  state?: string;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;
const RATE = /^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
// Fake but well-formed ARNs: the emulator has one region and one account.
const ARN_PREFIX = 'arn:aws:scheduler:us-east-1:000000000000:schedule';

function invalid(message: string): never {
  throw new SchedulerApiError(400, 'ValidationException', message);
}

function notFound(group: string, name: string): never {
  throw new SchedulerApiError(
    404,
    'ResourceNotFoundException',
    `Schedule ${name} does not exist in group ${group}.`,
  );
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Json, key: string, max: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    invalid(`${key} must be a string of at most ${max} characters.`);
  return value;
}

function integerIn(value: unknown, key: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${key} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function epochSeconds(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(`${key} must be a timestamp.`);
  return value;
}

// luxon builds an Intl formatter to answer each time: thousands of schedules share a few zones.
const validZones = new Map<string, boolean>();
function isValidZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    validZones.set(zone, valid);
  }
  return valid;
}

export function checkName(name: string, what = 'Name'): string {
  if (!NAME.test(name)) invalid(`${what} must match ^[0-9a-zA-Z-_.]{1,64}$.`);
  return name;
}

function checkTarget(value: unknown): ScheduleRecord['Target'] {
  if (!isObject(value)) invalid('Target is required.');
  const { Arn, RoleArn, Input, RetryPolicy } = value;
  if (typeof Arn !== 'string' || Arn === '') invalid('Target.Arn is required.');
  if (typeof RoleArn !== 'string' || RoleArn === '') invalid('Target.RoleArn is required.');
  if (Input !== undefined && (typeof Input !== 'string' || Input === ''))
    invalid('Target.Input must be a non-empty string.');
  if (RetryPolicy !== undefined) {
    if (!isObject(RetryPolicy)) invalid('Target.RetryPolicy must be an object.');
    integerIn(
      RetryPolicy.MaximumEventAgeInSeconds,
      'Target.RetryPolicy.MaximumEventAgeInSeconds',
      60,
      86400,
    );
    integerIn(RetryPolicy.MaximumRetryAttempts, 'Target.RetryPolicy.MaximumRetryAttempts', 0, 185);
  }
  return { ...value, Arn, RoleArn };
}

function checkWindow(value: unknown): ScheduleRecord['FlexibleTimeWindow'] {
  if (!isObject(value)) invalid('FlexibleTimeWindow is required.');
  const { Mode, MaximumWindowInMinutes } = value;
  if (Mode === 'OFF') return { Mode };
  if (Mode !== 'FLEXIBLE') invalid('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.');
  const minutes = integerIn(
    MaximumWindowInMinutes,
    'FlexibleTimeWindow.MaximumWindowInMinutes',
    1,
    1440,
  );
  if (minutes === undefined)
    invalid('FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE.');
  return { Mode, MaximumWindowInMinutes: minutes };
}

/** When a one-time `at()` expression is due, read in its time zone; undefined if it is not one. */
function atTime(expression: string, zone: string): Date | undefined {
  const local = AT.exec(expression)?.[1];
  if (local === undefined) return undefined;
  const time = DateTime.fromISO(local, { zone });
  return time.isValid ? time.toJSDate() : undefined;
}

/**
 * Where in its flexible time window a schedule fires, as a fraction from 0 (the window's start)
 * to just under 1 (its end). Scheduler does not say how it picks the moment, only that it is
 * within the window.
 */
export type WindowSpread = (record: ScheduleRecord) => number;

/**
 * The default spread: a fraction derived from the schedule's ARN and revision (FNV-1a), so the
 * steps planned for one minute fire spread over their window as they would on AWS, while one
 * schedule keeps its moment across restarts and a run can be repeated exactly. An update gives
 * the schedule a new moment, as a new definition would get on AWS.
 */
export const hashedSpread: WindowSpread = (record) => {
  let hash = 0x811c9dc5;
  for (const char of `${record.Arn}#${record.revision}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
};

/**
 * When a schedule should fire next, if ever. Only one-time `at()` schedules fire here; `rate()`
 * and `cron()` are stored but never fired (Farewell schedules steps with `at()`). Recurring ones
 * would compute their next occurrence here and stay pending instead of completing.
 *
 * A FLEXIBLE window is honoured as Scheduler documents it: the target is invoked at some moment
 * within `MaximumWindowInMinutes` after the scheduled time, [time, time + window). Where in the
 * window is `spread`'s choice, so the steps all planned for 10:00 fire spread out locally too and
 * a test of a burst meets the same spread as on AWS.
 */
export function dueAt(
  record: ScheduleRecord,
  spread: WindowSpread = hashedSpread,
): Date | undefined {
  if (record.State !== 'ENABLED' || record.completedAt !== undefined) return undefined;
  const time = atTime(record.ScheduleExpression, record.ScheduleExpressionTimezone ?? 'UTC');
  if (time === undefined) return undefined;
  const window = record.FlexibleTimeWindow;
  if (window.Mode !== 'FLEXIBLE' || !window.MaximumWindowInMinutes) return time;
  const windowMs = window.MaximumWindowInMinutes * 60_000;
  // Clamped below 1 so the window's end itself is never reached, whatever `spread` answers.
  const fraction = Math.min(Math.max(spread(record), 0), 1 - 1 / windowMs);
  return new Date(time.getTime() + Math.floor(fraction * windowMs));
}

/** Schedules by group and name, validated like the Scheduler API, persisted to an optional file. */
export class ScheduleStore {
  private readonly schedules = new Map<string, ScheduleRecord>();
  /**
   * When each schedule that can still fire is due (epoch ms), by key. Worked out once per change:
   * reading an `at()` expression in its zone is costly, and firing asks for the earliest due
   * schedule after every firing (with thousands pending, re-reading them all made firing
   * quadratic).
   */
  private readonly due = new Map<string, number>();
  /** Each schedule as it is written to the file, serialised once per change rather than per write. */
  private readonly serialised = new Map<string, string>();
  /** A write of a firing's completion, waiting to be grouped with the next change. */
  private deferred: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The write that will include every change made until it starts. */
  private pending: Promise<void> | undefined;

  private constructor(
    private readonly file: string | undefined,
    private readonly clock: { now(): Date },
    private readonly spread: WindowSpread,
  ) {}

  /** Opens the store, loading `file` when it exists. A corrupt file fails loudly. */
  static async open(
    file: string | undefined,
    clock: { now(): Date },
    spread: WindowSpread = hashedSpread,
  ): Promise<ScheduleStore> {
    const store = new ScheduleStore(file, clock, spread);
    if (file === undefined) return store;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw error;
    }
    const data: unknown = JSON.parse(text);
    if (!isObject(data) || data.version !== 1 || !Array.isArray(data.schedules)) {
      throw new Error(`Scheduler emulator store ${file} is not a version 1 store`);
    }
    // The file is ours: written by `persist` from records that passed validation.
    for (const record of data.schedules as ScheduleRecord[]) store.put(record);
    return store;
  }

  get(groupName: string | undefined, name: string): ScheduleRecord {
    const group = groupName || 'default';
    return this.schedules.get(key(group, name)) ?? notFound(group, name);
  }

  async create(name: string, body: unknown): Promise<ScheduleRecord> {
    const record = this.build(name, body, undefined);
    const id = key(record.GroupName, name);
    if (this.schedules.has(id)) {
      throw new SchedulerApiError(409, 'ConflictException', `Schedule ${name} already exists.`);
    }
    this.put(record);
    await this.persist();
    return record;
  }

  /** Replaces a schedule's definition (UpdateSchedule sets every field, like AWS). */
  async update(name: string, body: unknown): Promise<ScheduleRecord> {
    const group = isObject(body) && typeof body.GroupName === 'string' ? body.GroupName : undefined;
    const record = this.build(name, body, this.get(group, name));
    this.put(record);
    await this.persist();
    return record;
  }

  async delete(groupName: string | undefined, name: string): Promise<void> {
    const record = this.get(groupName, name);
    this.remove(key(record.GroupName, name));
    await this.persist();
  }

  /** Schedules sorted by group and name, filtered like ListSchedules. */
  list(filter: ScheduleFilter = {}): ScheduleRecord[] {
    return [...this.schedules.values()]
      .filter((s) => filter.groupName === undefined || s.GroupName === filter.groupName)
      .filter((s) => filter.namePrefix === undefined || s.Name.startsWith(filter.namePrefix))
      .filter((s) => filter.state === undefined || s.State === filter.state)
      .sort((a, b) => compare(key(a.GroupName, a.Name), key(b.GroupName, b.Name)));
  }

  /**
   * The earliest pending schedule due (its moment in its window, if it has one) at or before
   * `until`; ties by creation, then name.
   */
  nextDue(until: Date): ScheduleRecord | undefined {
    let best: { record: ScheduleRecord; at: number } | undefined;
    for (const [id, at] of this.due) {
      if (at > until.getTime()) continue;
      const record = this.schedules.get(id);
      if (record === undefined) continue;
      if (best === undefined || at < best.at || (at === best.at && before(record, best.record))) {
        best = { record, at };
      }
    }
    return best?.record;
  }

  /** When the earliest pending schedule is due, if any. */
  nextDueTime(): Date | undefined {
    let earliest: number | undefined;
    for (const at of this.due.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest === undefined ? undefined : new Date(earliest);
  }

  /**
   * Ends a firing: deletes the schedule (`ActionAfterCompletion: DELETE`) or marks it completed.
   * Does nothing if the schedule was deleted or updated while its target ran. Unlike the API's
   * changes, the file learns of it a moment later, with the next write (so a burst of firings
   * costs a few writes, not one each) or at `flush`: a crash in between fires the schedule again
   * after a restart, which at-least-once delivery allows and the send-step handler ignores.
   */
  async complete(fired: ScheduleRecord): Promise<void> {
    const id = key(fired.GroupName, fired.Name);
    const current = this.schedules.get(id);
    if (current === undefined || current.revision !== fired.revision) return;
    if (current.ActionAfterCompletion === 'DELETE') this.remove(id);
    else this.put({ ...current, completedAt: this.seconds() });
    if (this.file !== undefined && this.deferred === undefined) {
      this.deferred = setTimeout(() => void this.persist().catch(() => undefined), 200);
      this.deferred.unref();
    }
  }

  /** Resolves when every change so far is on disk. */
  flush(): Promise<void> {
    return this.deferred === undefined ? this.writing : this.persist();
  }

  private build(name: string, body: unknown, previous: ScheduleRecord | undefined): ScheduleRecord {
    checkName(name);
    if (!isObject(body)) invalid('The request body must be a JSON object.');
    const group = checkName(optionalString(body, 'GroupName', 64) ?? 'default', 'GroupName');
    const expression = optionalString(body, 'ScheduleExpression', 256);
    const zone = optionalString(body, 'ScheduleExpressionTimezone', 50);
    if (zone !== undefined && !isValidZone(zone)) invalid(`Invalid time zone: ${zone}.`);
    if (expression === undefined) invalid('ScheduleExpression is required.');
    if (AT.test(expression)) {
      if (atTime(expression, zone ?? 'UTC') === undefined)
        invalid(`Invalid date in ${expression}.`);
    } else if (!RATE.test(expression) && !CRON.test(expression)) {
      invalid(
        'ScheduleExpression must be at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields).',
      );
    }
    const state = body.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') invalid('State must be ENABLED or DISABLED.');
    const action = body.ActionAfterCompletion ?? 'NONE';
    if (action !== 'NONE' && action !== 'DELETE')
      invalid('ActionAfterCompletion must be NONE or DELETE.');
    const now = this.seconds();
    return {
      Arn: `${ARN_PREFIX}/${group}/${name}`,
      GroupName: group,
      Name: name,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: zone,
      StartDate: epochSeconds(body.StartDate, 'StartDate'),
      EndDate: epochSeconds(body.EndDate, 'EndDate'),
      Description: optionalString(body, 'Description', 512),
      State: state,
      KmsKeyArn: optionalString(body, 'KmsKeyArn', 2048),
      Target: checkTarget(body.Target),
      FlexibleTimeWindow: checkWindow(body.FlexibleTimeWindow),
      ActionAfterCompletion: action,
      CreationDate: previous?.CreationDate ?? now,
      LastModificationDate: now,
      revision: (previous?.revision ?? 0) + 1,
    };
  }

  private put(record: ScheduleRecord): void {
    const id = key(record.GroupName, record.Name);
    this.schedules.set(id, record);
    this.serialised.set(id, JSON.stringify(record));
    const at = dueAt(record, this.spread)?.getTime();
    if (at === undefined) this.due.delete(id);
    else this.due.set(id, at);
  }

  private remove(id: string): void {
    this.schedules.delete(id);
    this.serialised.delete(id);
    this.due.delete(id);
  }

  private seconds(): number {
    return this.clock.now().getTime() / 1000;
  }

  /**
   * Writes the whole store atomically (temp file + rename). Writes are grouped: every change made
   * before a write serialises the store rides on that write, so a burst of creates costs a few
   * writes, not one each, and each caller still resolves only once its change is on disk.
   */
  private persist(): Promise<void> {
    const file = this.file;
    if (file === undefined) return Promise.resolve();
    if (this.pending) return this.pending;
    const write = this.writing.then(async () => {
      // From here on, a new change needs a new write: this one may already miss it.
      this.pending = undefined;
      clearTimeout(this.deferred);
      this.deferred = undefined;
      const text = `{"version":1,"schedules":[${[...this.serialised.values()].join(',')}]}`;
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, text, 'utf8');
      await rename(temp, file);
    });
    this.pending = write;
    this.writing = write.catch(() => undefined);
    return write;
  }
}

function key(group: string, name: string): string {
  return `${group}/${name}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function before(a: ScheduleRecord, b: ScheduleRecord): boolean {
  return a.CreationDate !== b.CreationDate ? a.CreationDate < b.CreationDate : a.Name < b.Name;
}
