import type { HttpResponse } from './responses.js';

/**
 * Server-rendered pages: one place for their security headers, shared by the client pages and
 * the operator console. No script runs on any page, styles come only from our own stylesheet,
 * forms post only to us, no one may frame us, and no URL (tokens live in URLs) leaks as a referrer.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The operator console's pages may also load scripts from our own origin (one file, served like
 * the stylesheet); still no inline script and no other origin.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; script-src 'self'`;

/**
 * An email shown as it will be sent (the console's preview): its inline styles may apply, but
 * it runs sandboxed (no script, no forms, an opaque origin) and loads nothing but https images.
 */
export const EMAIL_PREVIEW_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src https: data:',
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  'sandbox allow-popups allow-popups-to-escape-sandbox',
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export interface PageOptions {
  /** `Set-Cookie` values, e.g. the CSRF cookie. */
  cookies?: string[];
  /**
   * Cacheable pages (none yet) may say so; token pages never: a shared cache or the back button
   * must not keep someone's answers.
   */
  cache?: string;
  /** Another Content-Security-Policy, e.g. the console's. */
  csp?: string;
  /** More headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/** An HTML page with the security headers. */
export function htmlPage(
  statusCode: number,
  html: string,
  options: PageOptions = {},
): HttpResponse {
  return {
    statusCode,
    headers: {
      ...PAGE_HEADERS,
      ...(options.csp ? { 'content-security-policy': options.csp } : {}),
      'cache-control': options.cache ?? 'no-store',
      ...options.headers,
    },
    ...(options.cookies && options.cookies.length > 0 ? { cookies: options.cookies } : {}),
    body: html,
  };
}

/** A static asset compiled into the bundle; its URL carries a content hash, so it caches for good. */
export function asset(contentType: string, body: string, etag: string): HttpResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      etag: `"${etag}"`,
    },
    body,
  };
}
