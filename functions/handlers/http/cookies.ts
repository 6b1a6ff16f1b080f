/**
 * The session cookie at the web edge: its name, its `Set-Cookie` and reading it back. The token
 * inside and its rules are the domain's (`domain/sessions.ts`).
 */
import type { Session } from '../../domain/sessions.js';

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
