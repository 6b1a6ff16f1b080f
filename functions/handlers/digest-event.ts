import { z } from 'zod';
import { isDigestDay } from '../domain/digest.js';
import type { DigestEvent } from '../domain/digest-ports.js';
import { ValidationError } from '../domain/errors.js';
import { lazy } from '../domain/lazy.js';

const digestEventSchema = lazy(() =>
  z.strictObject({
    digest: z.strictObject({
      operator: z.string().regex(/^[0-9a-f]{20}$/, 'must be an operator key'),
      day: z.string().refine(isDigestDay, { message: 'must be a date as YYYY-MM-DD' }),
    }),
  }),
);

/** Whether a schedule's payload is a digest event (it has a `digest` member). */
export function isDigestEvent(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'digest' in input;
}

/** Validates the payload a digest schedule delivers. */
export function parseDigestEvent(input: unknown): DigestEvent {
  const result = digestEventSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(event)',
      message: issue.message,
    })),
    { cause: result.error },
  );
}
