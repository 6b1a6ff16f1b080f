import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Weekday names as the operator writes them; luxon numbers them 1 (Monday) to 7 (Sunday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One message for every way a number can be wrong, so the operator reads the allowed range. */
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

const noticePeriod = z.strictObject({
  /** The row applies to relationships shorter than this many months. */
  underMonths: wholeNumber(1, 1200),
  days: wholeNumber(0, 365),
});

const sequenceSchema = z.strictObject({
  /** Local hour (client's zone) at which every step but the notice is sent. */
  sendHour: wholeNumber(0, 23).default(10),
  /** Weekdays on which steps other than the notice may be sent. */
  businessDays: z
    .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }), {
      error: `must be a list of weekdays (${WEEKDAYS.join(', ')})`,
    })
    .min(1, 'must name at least one weekday')
    .refine((days) => new Set(days).size === days.length, { message: 'must not repeat a day' })
    .default(['mon', 'tue', 'wed', 'thu', 'fri']),
  /** Also skip the public holidays of the client's country, when the exit gives one. */
  skipPublicHolidays: z.boolean({ error: 'must be true or false' }).default(true),
  notice: z
    .strictObject({
      /** The first row whose `underMonths` exceeds the relationship's length wins. */
      periods: z
        .array(noticePeriod, { error: 'must be a list of { underMonths, days }' })
        .refine(
          (rows) =>
            rows.every((row, i) => i === 0 || row.underMonths > (rows[i - 1]?.underMonths ?? 0)),
          { message: 'must be sorted by underMonths, each row longer than the one before' },
        )
        .default([
          { underMonths: 6, days: 14 },
          { underMonths: 24, days: 30 },
        ]),
      /** Notice when the relationship's start is unknown or longer than every row. */
      otherwiseDays: wholeNumber(0, 365).default(60),
    })
    .prefault({}),
  effectiveDate: z
    .strictObject({
      /**
       * How many days before the client's today a requested effective date may lie and still be
       * taken as today (a CRM that reports an exit a few days late means "now"); further back
       * is refused.
       */
      pastGraceDays: wholeNumber(0, 60).default(7),
    })
    .prefault({}),
  gratitude: z
    .strictObject({
      // The only supported placement today; the key exists so the file reads as the sequence does.
      onEffectiveDate: z
        .literal(true, { error: 'must be true: the gratitude is sent on the effective date' })
        .default(true),
    })
    .prefault({}),
  survey: z
    .strictObject({ businessDaysAfterEffective: wholeNumber(1, 30).default(3) })
    .prefault({}),
  reminder: z
    .strictObject({
      /** Calendar days after the survey, then moved to the next business day. */
      daysAfterSurvey: wholeNumber(1, 60).default(7),
      enabled: z.boolean({ error: 'must be true or false' }).default(true),
    })
    .prefault({}),
  checkIns: z
    .strictObject({
      /** Counted from the effective date: check-in n is due n × everyMonths after it. */
      everyMonths: wholeNumber(1, 24).default(6),
      /** How many check-ins at most; 0 turns stay-in-touch off. */
      maxCount: wholeNumber(0, 100).default(10),
    })
    .prefault({}),
  /** Time zone of clients whose exit gives none. */
  defaultTimezone: z
    .string({ error: 'must be an IANA time zone such as Europe/London' })
    .refine((zone) => IANAZone.isValidZone(zone), {
      message: 'must be an IANA time zone such as Europe/London',
    })
    .default('Europe/London'),
});

/** What an operator writes in `config/sequence.ts`; every field is optional and has a default. */
export type SequenceConfig = z.input<typeof sequenceSchema>;

/** The validated timing rules of a sequence, every default filled in. */
export type SequenceRules = z.output<typeof sequenceSchema>;

/**
 * Validates sequence rules. Throws a ConfigError naming every bad field by its path, e.g.
 * `checkIns.everyMonths: must be a whole number from 1 to 24`.
 */
export function parseSequenceRules(input: unknown): SequenceRules {
  const result = sequenceSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `  ${issue.path.map(String).join('.') || '(sequence)'}: ${issue.message}`,
  );
  throw new ConfigError(`Sequence configuration is invalid:\n${lines.join('\n')}`, {
    cause: result.error,
  });
}

/**
 * Declares the sequence in `config/sequence.ts`. Typed for the editor and validated at once, so
 * an invalid file fails when the module loads, that is at start.
 */
export function defineSequence(config: SequenceConfig): SequenceRules {
  return parseSequenceRules(config);
}

/** The rules when nothing is configured. */
export const DEFAULT_RULES: SequenceRules = parseSequenceRules({});
