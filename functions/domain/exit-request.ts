import { domainToASCII } from 'node:url';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { isKnownCountry } from './calendar.js';
import { TASK_LIMITS } from './checklist-rules.js';
import { ValidationError } from './errors.js';
import type { HandoverInput } from './handover.js';
import { lazy } from './lazy.js';
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

/**
 * The effective date an exit keeps for a date someone asked for, as of `now` in the client's
 * zone: the date itself from the client's today on; today for a date at most `graceDays` before
 * it (the exit starts now, and says so); further back a `ValidationError` naming `field`. One
 * rule for a new exit and for a changed date.
 */
export function admitEffectiveDate(
  date: string,
  now: Date,
  timezone: string,
  graceDays: number,
  field = 'effectiveOn',
): string {
  const day = DateTime.fromJSDate(now, { zone: timezone });
  const today = day.toISODate();
  const earliest = day.minus({ days: graceDays }).toISODate();
  if (!today || !earliest) throw new RangeError(`Invalid time zone ${timezone}`);
  // ISO dates compare as text.
  if (date >= today) return date;
  if (date >= earliest) return today;
  const grace =
    graceDays > 0
      ? `; up to ${graceDays} day${graceDays === 1 ? '' : 's'} before counts as today`
      : '';
  throw new ValidationError([
    { field, message: `must not be in the past (today is ${today} for the client${grace})` },
  ]);
}

const isoDate = () =>
  z
    .string({ error: 'must be a date as YYYY-MM-DD' })
    .refine(isPlausibleDate, { message: DATE_MESSAGE });

const locale = () =>
  z.string().refine(
    (value) => {
      try {
        return Intl.getCanonicalLocales(value).length === 1;
      } catch {
        return false;
      }
    },
    { message: 'must be a BCP 47 locale such as en-GB' },
  );

// Free text (the reason) may hold line breaks and tabs, never other controls: NUL and ESC break
// logs, terminals and the emails they reach.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const freeText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_BUT_LINES.test(value), {
      message: 'must not contain control characters (line breaks and tabs are fine)',
    });

const EMAIL_MESSAGE = 'must be an email address';
const asciiEmail = lazy(() => z.email(EMAIL_MESSAGE).max(254, 'must be at most 254 characters'));

/**
 * An address as RFC 5321 bounds it (local part up to 64 characters, domain labels up to 63). An
 * internationalised domain is accepted and kept in its punycode form, the one SES sends to, so
 * `ana@bücher.example` and `ana@xn--bcher-kva.example` are the same client.
 */
const email = () =>
  z.string().transform((value, ctx) => {
    const at = value.lastIndexOf('@');
    const local = value.slice(0, Math.max(0, at));
    const domain = domainToASCII(value.slice(at + 1));
    const refuse = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (at < 1 || domain === '') return refuse(EMAIL_MESSAGE);
    if (local.length > 64) return refuse('must have at most 64 characters before the @');
    if (domain.split('.').some((label) => label.length > 63)) {
      return refuse('must have at most 63 characters between the dots of its domain');
    }
    const address = `${local}@${domain}`;
    const checked = asciiEmail.safeParse(address);
    return checked.success ? address : refuse(checked.error.issues[0]?.message ?? EMAIL_MESSAGE);
  });

/** Bounds of a handover item: with at most 50 items, the list stays far below DynamoDB's 400 KB. */
export const HANDOVER_LIMITS = { items: 50, title: 500, url: 1000, note: 500 } as const;

/** An absolute https link to a host, without credentials in it. */
export function isHttpsUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

const handoverObject = () =>
  z.object({
    title: singleLine(HANDOVER_LIMITS.title),
    url: z
      .string()
      .trim()
      .max(HANDOVER_LIMITS.url, `must be at most ${HANDOVER_LIMITS.url} characters`)
      .refine(isHttpsUrl, { message: 'must be an https:// link' })
      .optional(),
    note: freeText(HANDOVER_LIMITS.note)
      .optional()
      .transform((note) => note || undefined),
  });

/**
 * A handover item: plain text (kept as given, so an import row or a replayed request reads the
 * same as before) or `{title, url?, note?}`. Chosen by type, so each problem names its own field
 * (`handover.2.url`), which a union would hide behind one "invalid input".
 */
const handoverItem = () => {
  const line = singleLine(HANDOVER_LIMITS.title);
  const object = handoverObject();
  return z.unknown().transform((value, ctx): HandoverInput => {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (typeof value !== 'string' && !isObject) {
      ctx.addIssue({ code: 'custom', message: 'must be text or an object with a "title"' });
      return z.NEVER;
    }
    const result = typeof value === 'string' ? line.safeParse(value) : object.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: clientMessage(issue) });
    }
    return z.NEVER;
  });
};

/** The fields of `client`, in the order the form and the CSV import show them. */
export const CLIENT_FIELDS = [
  'name',
  'greetingName',
  'email',
  'company',
  'timezone',
  'country',
  'locale',
] as const;

export const exitRequestSchema = lazy(() =>
  z
    .object({
      client: z.object({
        name: singleLine(200),
        greetingName: singleLine(60).optional(),
        email: email(),
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
        locale: locale().optional(),
      }),
      initiatedBy: z.enum(['client', 'firm']),
      reason: freeText(2000).optional(),
      effectiveOn: isoDate().optional(),
      relationshipStartedOn: isoDate().optional(),
      handover: z
        .array(handoverItem())
        .max(HANDOVER_LIMITS.items, `must have at most ${HANDOVER_LIMITS.items} items`)
        .optional(),
      highlights: z.array(singleLine(500)).max(50, 'must have at most 50 items').optional(),
      externalId: singleLine(200).optional(),
      /** Tasks for the operator's checklist, added to the configured ones (see `checklist.ts`). */
      tasks: z
        .array(
          z.strictObject({
            title: singleLine(TASK_LIMITS.title),
            note: freeText(TASK_LIMITS.note).optional(),
            /** Absent: due on the effective date. */
            dueOn: isoDate().optional(),
          }),
        )
        .max(TASK_LIMITS.perRequest, `must have at most ${TASK_LIMITS.perRequest} items`)
        .optional(),
    })
    .superRefine((request, ctx) => {
      // ISO dates compare as text; a relationship cannot start after it ends.
      const { effectiveOn, relationshipStartedOn } = request;
      if (effectiveOn && relationshipStartedOn && relationshipStartedOn > effectiveOn) {
        ctx.addIssue({
          code: 'custom',
          path: ['relationshipStartedOn'],
          message: 'must not be after effectiveOn',
        });
      }
    }),
);

export type ExitRequest = z.infer<typeof exitRequestSchema>;

/**
 * zod's own type messages speak JavaScript ("expected object, received undefined"): say what the
 * sender should do instead.
 */
function clientMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `must be ${orWords(issue.values)}`;
  if ((issue.code === 'too_big' || issue.code === 'too_small') && /^Too /.test(issue.message)) {
    const unit = issue.origin === 'array' ? 'items' : 'characters';
    const bound = issue.code === 'too_big' ? 'at most' : 'at least';
    const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
    return `must have ${bound} ${String(limit)} ${unit}`;
  }
  if (issue.code !== 'invalid_type') {
    // zod's own wording ("Invalid input", "Invalid string: …") never reaches a sender.
    return /^Invalid /.test(issue.message) ? 'is not valid here' : issue.message;
  }
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

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function orWords(values: readonly unknown[]): string {
  const words = values.map((value) => JSON.stringify(value));
  const last = words.pop() ?? '';
  return words.length > 0 ? `${words.join(', ')} or ${last}` : last;
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

/** Text that reads as a link (a scheme, or `www.`): on a handover line it is the item's link. */
const LINK_LIKE = /^([a-z][a-z0-9+.-]*:|www\.)/i;

/**
 * A handover item written on one line, as the console form and the CSV import take it:
 * `Title | https://link | note` (link and note optional, in either order). A line without `|`
 * stays plain text. The schema then checks it like any request, so a bad link is named.
 */
export function handoverFromLine(line: string): HandoverInput {
  if (!line.includes('|')) return line;
  const [title = '', ...rest] = line.split('|').map((part) => part.trim());
  const parts = rest.filter(Boolean);
  const url = parts.find((part) => LINK_LIKE.test(part));
  const note = parts.filter((part) => part !== url).join(' | ');
  return { title, ...(url ? { url } : {}), ...(note ? { note } : {}) };
}
