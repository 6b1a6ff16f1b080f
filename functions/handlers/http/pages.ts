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
}

/** An HTML page with the security headers. */
export function htmlPage(
  statusCode: number,
  html: string,
  options: PageOptions = {},
): HttpResponse {
  return {
    statusCode,
    headers: { ...PAGE_HEADERS, 'cache-control': options.cache ?? 'no-store' },
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
