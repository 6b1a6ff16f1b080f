import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { isKnownCountry } from './calendar.js';
import { ValidationError } from './errors.js';
import { canonicalZone } from './time-zones.js';

// Names and companies end up in email headers and subjects: no control characters (CR/LF).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL.test(value), { message: 'must be a single line of text' });

/** Years a relationship or an exit can plausibly fall in; far-off years break every schedule. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;
export const DATE_MESSAGE = `must be a real calendar date as YYYY-MM-DD between ${FIRST_YEAR} and ${LAST_YEAR}`;

/** A real calendar date as `YYYY-MM-DD` within the years Farewell can plan in. */
export function isPlausibleDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = DateTime.fromISO(value, { zone: 'utc' });
  return date.isValid && date.year >= FIRST_YEAR && date.year <= LAST_YEAR;
}

const isoDate = z
  .string({ error: 'must be a date as YYYY-MM-DD' })
  .refine(isPlausibleDate, { message: DATE_MESSAGE });

const locale = z.string().refine(
  (value) => {
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  },
  { message: 'must be a BCP 47 locale such as en-GB' },
);

export const exitRequestSchema = z.object({
  client: z.object({
    name: singleLine(200),
    email: z.email('must be an email address').max(254),
    company: singleLine(200).optional(),
    timezone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), {
        message: 'must be an IANA time zone such as Europe/Paris',
      })
      // An old name (Asia/Calcutta) is accepted and stored as the current one (Asia/Kolkata).
      .transform(canonicalZone)
      .optional(),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO 3166 country code')
      .transform((code) => code.toUpperCase())
      .refine(isKnownCountry, {
        message: 'must be an ISO 3166 country code such as GB (not UK), US or FR',
      })
      .optional(),
    locale: locale.optional(),
  }),
  initiatedBy: z.enum(['client', 'firm']),
  reason: z.string().trim().max(2000).optional(),
  effectiveOn: isoDate.optional(),
  relationshipStartedOn: isoDate.optional(),
  handover: z.array(singleLine(500)).max(50).optional(),
  highlights: z.array(singleLine(500)).max(50).optional(),
  externalId: singleLine(200).optional(),
});

export type ExitRequest = z.infer<typeof exitRequestSchema>;

/**
 * zod's own type messages speak JavaScript ("expected object, received undefined"): say what the
 * sender should do instead.
 */
function clientMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type') return issue.message;
  if (/received undefined/.test(issue.message)) return 'is required';
  const expected = String(issue.expected);
  const kinds: Record<string, string> = {
    object: 'must be an object',
    array: 'must be a list',
    string: 'must be text',
    number: 'must be a number',
    boolean: 'must be true or false',
  };
  return Object.hasOwn(kinds, expected) ? (kinds[expected] ?? issue.message) : 'has the wrong type';
}

/** Turns zod issues into field problems with dotted paths under `prefix`. */
export function toValidationError(error: z.ZodError, prefix = ''): ValidationError {
  return new ValidationError(
    error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: clientMessage(issue),
    })),
    { cause: error },
  );
}

export function parseExitRequest(input: unknown, prefix = ''): ExitRequest {
  const result = exitRequestSchema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, prefix);
  return result.data;
}
