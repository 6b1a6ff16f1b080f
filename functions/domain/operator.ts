/**
 * Operators: the people who sign in to the console and run the CLI. An operator is known by
 * their email address, trimmed and lower-cased; that normalized address is their id.
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { lazy } from './lazy.js';

export interface Operator {
  /** The operator's id: their email address, trimmed and lower-cased. */
  email: string;
  /** A PHC scrypt string from `passwords.ts`; never leaves the store and the sign-in use case. */
  passwordHash: string;
  /**
   * Sessions carry the version they were issued under; bumping it (sign-out, password change)
   * ends every session issued before.
   */
  sessionVersion: number;
  createdAt: string;
  updatedAt: string;
  passwordChangedAt: string;
}

/** What the console may show about an operator: everything but the hash. */
export type OperatorProfile = Omit<Operator, 'passwordHash'>;

export function toProfile(operator: Operator): OperatorProfile {
  const { passwordHash: _hash, ...profile } = operator;
  return profile;
}

/** NIST SP 800-63B: a length floor and a generous ceiling, no composition rules. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailSchema = lazy(() =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email('must be an email address').max(254, 'must be at most 254 characters')),
);

const passwordSchema = lazy(() =>
  z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
);

/** Validates a new operator's email; answers it normalized. Throws a `ValidationError`. */
export function parseOperatorEmail(email: unknown, field = 'email'): string {
  const result = emailSchema.safeParse(email);
  if (!result.success) {
    throw new ValidationError([{ field, message: result.error.issues[0]?.message ?? 'invalid' }]);
  }
  return result.data;
}

/** Validates a new password against the policy. Throws a `ValidationError`. */
export function parseNewPassword(password: unknown, field = 'password'): string {
  const result = passwordSchema.safeParse(password);
  if (!result.success) {
    throw new ValidationError([{ field, message: result.error.issues[0]?.message ?? 'invalid' }]);
  }
  return result.data;
}
