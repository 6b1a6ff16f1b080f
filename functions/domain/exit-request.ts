import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { isKnownCountry } from './calendar.js';
import { ValidationError } from './errors.js';

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

const isoDate = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid, {
    message: 'must be a real calendar date as YYYY-MM-DD',
  });

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

/** Turns zod issues into field problems with dotted paths under `prefix`. */
export function toValidationError(error: z.ZodError, prefix = ''): ValidationError {
  return new ValidationError(
    error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: issue.message,
    })),
    { cause: error },
  );
}

export function parseExitRequest(input: unknown, prefix = ''): ExitRequest {
  const result = exitRequestSchema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, prefix);
  return result.data;
}
