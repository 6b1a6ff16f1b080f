import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import { lazy } from '../domain/lazy.js';
import type { StepEvent } from '../domain/ports.js';

const id = () =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[0-9a-zA-Z-_]+$/, 'letters, digits, - and _ only');

const stepEventSchema = lazy(() =>
  z.object({
    exitId: id(),
    stepId: id(),
    dueAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  }),
);

/** Validates the payload a step schedule delivers to the send-step handler. */
export function parseStepEvent(input: unknown): StepEvent {
  const result = stepEventSchema.safeParse(input);
  if (result.success) {
    const { exitId, stepId, dueAt } = result.data;
    return dueAt ? { exitId, stepId, dueAt } : { exitId, stepId };
  }
  // One problem per field: an empty id breaks both the length and the pattern rule.
  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || '(event)';
    if (!problems.has(field)) problems.set(field, issue.message);
  }
  throw new ValidationError(
    [...problems].map(([field, message]) => ({ field, message })),
    { cause: result.error },
  );
}
