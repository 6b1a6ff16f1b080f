import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The hidden form field that carries the token. */
export const CSRF_FIELD = 'csrf';

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfOptions {
  /** Keys, newest first; the first signs, every one verifies (rotation). */
  keys: readonly string[];
  /** The app is served over https: the cookie is `Secure` and takes the `__Host-` prefix. */
  secure: boolean;
}

/** What a page that shows forms needs: the browser's CSRF secret and, if new, its cookie. */
export interface CsrfSession {
  secret: string;
  /** A `Set-Cookie` value to send when the browser had no (valid) cookie yet. */
  setCookie?: string;
}

/**
 * CSRF protection without accounts, as a signed double-submit cookie: a random secret lives in
 * an HttpOnly, SameSite=Strict cookie, and each form carries HMAC(key, secret + form action) in a
 * hidden field. A forged cross-site post has neither the cookie (SameSite) nor the field (it
 * cannot read our pages), and a field lifted from one form does not fit another. Compared in
 * constant time. Shared by the client pages and the operator console.
 */
export class Csrf {
  readonly cookieName: string;

  constructor(private readonly options: CsrfOptions) {
    if (options.keys.length === 0) throw new Error('at least one CSRF key is required');
    this.cookieName = options.secure ? '__Host-farewell-csrf' : 'farewell-csrf';
  }

  /** The secret from the request's cookie, or a fresh one with the cookie that carries it. */
  session(event: APIGatewayProxyEventV2): CsrfSession {
    const current = this.cookie(event);
    if (current) return { secret: current };
    const secret = randomBytes(32).toString('base64url');
    const attributes = [
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      ...(this.options.secure ? ['Secure'] : []),
    ];
    return { secret, setCookie: `${this.cookieName}=${secret}; ${attributes.join('; ')}` };
  }

  /** The hidden field's value for a form posting to `action` (a path such as `/s/…`). */
  token(secret: string, action: string): string {
    return this.sign(this.options.keys[0] ?? '', secret, action);
  }

  /** Whether a post to `action` carries a field that matches its cookie. */
  verify(event: APIGatewayProxyEventV2, action: string, field: string | undefined): boolean {
    const secret = this.cookie(event);
    if (!secret || !field) return false;
    const given = Buffer.from(field, 'utf8');
    return this.options.keys.some((key) => {
      const expected = Buffer.from(this.sign(key, secret, action), 'utf8');
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  /**
   * A signed-in form's token: HMAC(key, session id + form action). The session id is random per
   * sign-in and travels in the signed, HttpOnly session cookie, so the session itself is the
   * secret: no second cookie, a token dies with its session (sign-out, a new sign-in), and a
   * token lifted from one form does not fit another.
   */
  bound(sessionId: string, action: string): string {
    return this.sign(this.options.keys[0] ?? '', `session ${sessionId}`, action);
  }

  /** Whether a signed-in post to `action` carries its session's token. */
  verifyBound(sessionId: string, action: string, field: string | undefined): boolean {
    if (!field) return false;
    const given = Buffer.from(field, 'utf8');
    return this.options.keys.some((key) => {
      const expected = Buffer.from(this.sign(key, `session ${sessionId}`, action), 'utf8');
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  private sign(key: string, secret: string, action: string): string {
    return createHmac('sha256', key).update(`${secret}\n${action}`).digest('base64url');
  }

  private cookie(event: APIGatewayProxyEventV2): string | undefined {
    // Payload 2.0 puts cookies in `cookies`; a `cookie` header is there only in other setups.
    const jar = event.cookies ?? event.headers?.cookie?.split(';') ?? [];
    for (const entry of jar) {
      const [name, ...rest] = entry.trim().split('=');
      const value = rest.join('=');
      if (name === this.cookieName && COOKIE_VALUE.test(value)) return value;
    }
    return undefined;
  }
}

/**
 * CSRF keys derived from the link keys, so there is no extra secret to manage; the label keeps a
 * CSRF field from ever being a valid link signature or the other way round.
 */
export function csrfKeys(linkKeys: readonly string[]): string[] {
  return linkKeys.map((key) => createHmac('sha256', key).update('farewell csrf v1').digest('hex'));
}
