/**
 * Console sessions: a signed, expiring token in an HttpOnly cookie. Pure functions; the key
 * comes from config (`FAREWELL_SESSION_KEY`), the time from the caller.
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

export interface CookieOptions {
  /** True for https origins; plain http is only ever loopback (see `isSecureOrigin`). */
  secure: boolean;
}

/**
 * The cookie's name. On https it carries the `__Host-` prefix, which browsers accept only with
 * Secure, Path=/ and no Domain: no subdomain can plant or shadow it.
 */
export function sessionCookieName(options: CookieOptions): string {
  return options.secure ? '__Host-farewell-session' : 'farewell-session';
}

/** Whether a public URL is https; `config.ts` allows plain http on loopback only. */
export function isSecureOrigin(publicUrl: string): boolean {
  return publicUrl.startsWith('https://');
}

/**
 * `Set-Cookie` for a session: HttpOnly (no script reads it), SameSite=Lax (sent when the
 * operator follows a link into the console, never on a cross-site POST; forms add CSRF tokens
 * on top), Secure outside loopback, and Max-Age matching the token's own expiry.
 */
export function sessionCookie(
  token: string,
  session: Pick<Session, 'expiresAt'>,
  now: Date,
  options: CookieOptions,
): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  return cookie(sessionCookieName(options), token, maxAge, options);
}

/** `Set-Cookie` that removes the session cookie (sign-out). */
export function clearedSessionCookie(options: CookieOptions): string {
  return cookie(sessionCookieName(options), '', 0, options);
}

function cookie(name: string, value: string, maxAge: number, options: CookieOptions): string {
  const attributes = [`${name}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly'];
  attributes.push('SameSite=Lax');
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/**
 * The session token from a request's cookies: API Gateway payload 2.0 gives `cookies` as an
 * array of `name=value`, a plain `Cookie` header is one `;`-separated string. Either works.
 */
export function readSessionCookie(
  cookies: string | readonly string[] | undefined,
  options: CookieOptions,
): string | undefined {
  if (!cookies) return undefined;
  const pairs = (typeof cookies === 'string' ? [cookies] : cookies).flatMap((c) => c.split(';'));
  const name = sessionCookieName(options);
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}
