/**
 * Operators: adding one, signing in (with throttling), checking and ending sessions. The console
 * (sign-in form, session cookie) and the CLI (`farewell operator add`) call these.
 */
import { emailHash } from '../ids.js';
import {
  normalizeEmail,
  type Operator,
  type OperatorProfile,
  parseNewPassword,
  parseOperatorEmail,
  toProfile,
} from '../operator.js';
import {
  hashPassword,
  needsRehash,
  PASSWORD_PARAMS,
  type ScryptParams,
  unmatchableHash,
  verifyPassword,
} from '../passwords.js';
import type { Clock, EventLog, OperatorStore, ThrottlePolicy } from '../ports.js';
import {
  issueSession,
  SESSION_TTL_SECONDS,
  type Session,
  verifySessionToken,
} from '../sessions.js';

export interface OperatorDeps {
  operators: OperatorStore;
  clock: Clock;
  log: EventLog;
  /** Signs session tokens and keys the attempt counters (`FAREWELL_SESSION_KEY`). */
  sessionKey: string;
  /** Default `SESSION_TTL_SECONDS` (12 h). */
  sessionTtlSeconds?: number;
  /** Default `SIGN_IN_THROTTLE`. */
  throttle?: ThrottlePolicy;
  /** Default `PASSWORD_PARAMS`; tests pass cheaper ones. */
  passwordParams?: ScryptParams;
}

/** Five attempts without a success within 15 minutes lock the address for 15 minutes. */
export const SIGN_IN_THROTTLE: ThrottlePolicy = {
  maxFailures: 5,
  windowSeconds: 15 * 60,
  lockoutSeconds: 15 * 60,
};

export type SignInResult =
  | { ok: true; operator: OperatorProfile; session: Session; token: string }
  /** Unknown email or wrong password: deliberately the same answer. */
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export type SessionResult =
  | { ok: true; operator: OperatorProfile; session: Session }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'revoked' };

const now = (deps: OperatorDeps) => deps.clock.now();
const params = (deps: OperatorDeps) => deps.passwordParams ?? PASSWORD_PARAMS;

/** The attempt counter's key: a keyed hash, so no typed address is stored in clear. */
export function signInAttemptKey(sessionKey: string, email: string): string {
  return emailHash(sessionKey, `signin:${normalizeEmail(email)}`);
}

/**
 * Adds an operator:
 * 1. Validate the email and the password policy (throws `ValidationError` naming `email` or
 *    `password`).
 * 2. Hash the password and store the operator; `created: false` when that email already has one.
 */
export async function addOperator(
  deps: OperatorDeps,
  input: { email: string; password: string },
): Promise<{ operator: OperatorProfile; created: boolean }> {
  const email = parseOperatorEmail(input.email);
  const password = parseNewPassword(input.password);
  const at = now(deps).toISOString();
  const operator: Operator = {
    email,
    passwordHash: await hashPassword(password, params(deps)),
    sessionVersion: 0,
    createdAt: at,
    updatedAt: at,
    passwordChangedAt: at,
  };
  const created = (await deps.operators.createOperator(operator)) === 'created';
  if (created) deps.log.info('operator added');
  const stored = created ? operator : await deps.operators.getOperator(email);
  return { operator: toProfile(stored ?? operator), created };
}

/**
 * Signs an operator in:
 * 1. Count the attempt, before the password is checked (so parallel guesses cannot exceed the
 *    limit); a locked address is refused.
 * 2. Load the operator and check the password. An unknown email costs the same scrypt run as a
 *    known one, and gets the same answer as a wrong password.
 * 3. Clear the count; re-hash a password stored with older parameters.
 * 4. Issue the session.
 */
export async function signIn(
  deps: OperatorDeps,
  input: { email: string; password: string },
): Promise<SignInResult> {
  const key = signInAttemptKey(deps.sessionKey, input.email);
  const verdict = await deps.operators.countSignInAttempt(
    key,
    now(deps),
    deps.throttle ?? SIGN_IN_THROTTLE,
  );
  if (!verdict.allowed) {
    deps.log.warn('sign-in throttled', { retryAfterSeconds: verdict.retryAfterSeconds });
    return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
  }
  // An over-long "email" is no operator's, and DynamoDB would refuse it as a key.
  const email = normalizeEmail(input.email);
  const operator = email.length <= 254 ? await deps.operators.getOperator(email) : undefined;
  const hash = operator?.passwordHash ?? unmatchableHash(params(deps));
  const matches = await verifyPassword(input.password, hash);
  if (!operator || !matches) {
    deps.log.info('sign-in failed');
    return { ok: false, reason: 'invalid' };
  }
  await deps.operators.clearSignInAttempts(key);
  if (needsRehash(operator.passwordHash, params(deps))) {
    const upgraded = await hashPassword(input.password, params(deps));
    await deps.operators.upgradeHash(
      operator.email,
      operator.passwordHash,
      upgraded,
      now(deps).toISOString(),
    );
  }
  const { token, session } = issueSession(
    deps.sessionKey,
    { operatorId: operator.email, version: operator.sessionVersion },
    now(deps),
    deps.sessionTtlSeconds ?? SESSION_TTL_SECONDS,
  );
  deps.log.info('signed in', { sessionId: session.sessionId });
  return { ok: true, operator: toProfile(operator), session, token };
}

/**
 * Checks a session token from a cookie: signature, expiry, and that the operator still exists
 * with the same session version (one consistent read per request).
 */
export async function verifySession(
  deps: OperatorDeps,
  token: string | undefined,
): Promise<SessionResult> {
  if (!token) return { ok: false, reason: 'missing' };
  const check = verifySessionToken(deps.sessionKey, token, now(deps));
  if (!check.valid)
    return { ok: false, reason: check.reason === 'expired' ? 'expired' : 'invalid' };
  const operator = await deps.operators.getOperator(check.session.operatorId);
  if (!operator || operator.sessionVersion !== check.session.version) {
    return { ok: false, reason: 'revoked' };
  }
  return { ok: true, operator: toProfile(operator), session: check.session };
}

/**
 * Signs out: bumps the operator's session version, which ends this session and every other one
 * of that operator. A stateless token cannot be revoked on its own; this way a copied cookie
 * dies at sign-out instead of living on until it expires.
 */
export async function signOut(deps: OperatorDeps, session: Session): Promise<void> {
  await deps.operators.endSessions(session.operatorId, now(deps).toISOString());
  deps.log.info('signed out', { sessionId: session.sessionId });
}

/**
 * Sets a new password:
 * 1. Validate it against the policy and hash it.
 * 2. Store it, ending every session of the operator in the same write. False when there is no
 *    such operator.
 */
export async function changePassword(
  deps: OperatorDeps,
  input: { email: string; password: string },
): Promise<boolean> {
  const password = parseNewPassword(input.password);
  const hash = await hashPassword(password, params(deps));
  const changed = await deps.operators.setPassword(input.email, hash, now(deps).toISOString());
  if (changed) deps.log.info('operator password changed');
  return changed;
}

/** Lifts a lockout at once (an administrator's unlock; otherwise it lapses by itself). */
export async function unlockSignIn(deps: OperatorDeps, email: string): Promise<void> {
  await deps.operators.clearSignInAttempts(signInAttemptKey(deps.sessionKey, email));
}

/**
 * Local mode's first operator: created with `password` when that email has none. Reports
 * whether `password` is the operator's current one, so the banner never prints a stale one.
 */
export async function ensureOperator(
  deps: OperatorDeps,
  input: { email: string; password: string },
): Promise<{ email: string; created: boolean; passwordCurrent: boolean }> {
  const existing = await deps.operators.getOperator(input.email);
  if (existing) {
    const current = await verifyPassword(input.password, existing.passwordHash);
    return { email: existing.email, created: false, passwordCurrent: current };
  }
  const { operator, created } = await addOperator(deps, input);
  return { email: operator.email, created, passwordCurrent: created };
}
