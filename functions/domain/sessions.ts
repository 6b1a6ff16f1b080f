/**
 * Console sessions: a signed, expiring token. Pure functions; the key comes from config
 * (`FAREWELL_SESSION_KEY`), the time from the caller. The cookie that carries the token is the
 * web edge's business (`handlers/http/cookies.ts`).
 *
 * Token: `base64url(JSON claims) "." base64url(HMAC-SHA256(key, "farewell-session.v1." + claims))`.
 * The claims are signed, not encrypted: they hold the operator's own email (their id), which the
 * cookie only ever shows to that operator's browser.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64url } from './base64url.js';

export interface Session {
  /** The operator's id (their normalized email). */
  operatorId: string;
  /** Random per sign-in: safe to log, and a good key for a CSRF token bound to this session. */
  sessionId: string;
  issuedAt: Date;
  expiresAt: Date;
  /** The operator's `sessionVersion` at sign-in; the session ends when the operator's moves on. */
  version: number;
}

export type SessionCheck =
  | { valid: true; session: Session }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/** Twelve hours: a working day, and a stolen cookie does not outlive it by much. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/** Clock skew tolerated on `iat` between the instances that issue and check a token. */
const SKEW_MS = 60_000;
const MAX_TOKEN_LENGTH = 2048;
const CONTEXT = 'farewell-session.v1.';

interface Claims {
  sub: string;
  sid: string;
  iat: number;
  exp: number;
  ver: number;
}

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(CONTEXT).update(payload).digest();
}

/** Issues a session for an operator at `now`, valid for `ttlSeconds`. */
export function issueSession(
  key: string,
  operator: { operatorId: string; version: number },
  now: Date,
  ttlSeconds: number = SESSION_TTL_SECONDS,
): { token: string; session: Session } {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Claims = {
    sub: operator.operatorId,
    sid: randomBytes(16).toString('base64url'),
    iat,
    exp: iat + ttlSeconds,
    ver: operator.version,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return {
    token: `${payload}.${mac(key, payload).toString('base64url')}`,
    session: toSession(claims),
  };
}

function toSession(claims: Claims): Session {
  return {
    operatorId: claims.sub,
    sessionId: claims.sid,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    version: claims.ver,
  };
}

function isClaims(value: unknown): value is Claims {
  if (!value || typeof value !== 'object') return false;
  const claims = value as Record<string, unknown>;
  const int = (name: string) => Number.isSafeInteger(claims[name]);
  return (
    typeof claims.sub === 'string' &&
    claims.sub.length > 0 &&
    typeof claims.sid === 'string' &&
    int('iat') &&
    int('exp') &&
    int('ver')
  );
}

/**
 * Checks a token's signature (constant time), shape and expiry. Whether the operator still
 * exists and the version still holds is the `verifySession` use case's job.
 */
export function verifySessionToken(key: string, token: string, now: Date): SessionCheck {
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature) return { valid: false, reason: 'malformed' };
  const expected = mac(key, payload);
  const given = decodeBase64url(signature);
  if (!given || !decodeBase64url(payload)) return { valid: false, reason: 'malformed' };
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'bad-signature' };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { valid: false, reason: 'malformed' };
  const at = now.getTime();
  if (claims.exp * 1000 <= at || claims.iat * 1000 > at + SKEW_MS) {
    return { valid: false, reason: 'expired' };
  }
  return { valid: true, session: toSession(claims) };
}
