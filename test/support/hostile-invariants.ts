/**
 * What every answer to hostile input must hold, whatever the input: no 5xx, a content type on
 * every body, no exception text, stack frame or file path in it, redirects that stay on our
 * origin, and cookies only of our own, HttpOnly and SameSite.
 */
import type { HttpResponse } from '../../functions/handlers/http/responses.js';
import { bodyOf, headerOf } from './hostile-http.js';

/** Text that only an exception, a runtime or a stack trace puts in a body. */
export const LEAK_MARKERS: readonly (readonly [string, RegExp])[] = [
  [
    'a stack frame',
    /\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^\s)]*:\d+:\d+|\bat [\w$.]+ \((?:<anonymous>|native)\)/,
  ],
  ['"    at "', / {4}at /],
  [
    'an error class',
    /(?:Type|Range|Reference|Syntax|Eval|URI|Aggregate|Validation|Conflict|NotFound|Transient|PermanentSend|Farewell|Config|User|Zod|Csv|WebhookVerification|Extendable)Error\b/,
  ],
  ['"Error:"', /Error:/],
  ['an AWS exception name', /[A-Z][a-z]+(?:[A-Z][a-z]+)*Exception\b/],
  ['"undefined"', /undefined/i],
  ['"NaN"', /\bNaN\b/],
  ['"[object …]"', /\[object \w+\]/],
  ["a function's source", /\[native code\]|function \w*\([^)]*\) \{/],
  [
    'a JavaScript engine message',
    /Unexpected (?:token|end of JSON)|Cannot read propert|is not a function|is not defined|is not iterable|Maximum call stack|Invalid time value|Invalid array length/i,
  ],
  [
    'a file path',
    /\/(?:work|home|tmp|var|usr|opt|root|Users|private)\/|node_modules|file:\/\/|[\w-]+\.(?:ts|js|mjs|cjs):\d+/,
  ],
];

/** Where the pages say "Error:" on purpose: the title and field messages, for screen readers. */
const DELIBERATE_ERROR_WORDS = [
  /<title>Error: /g,
  /<span class="visually-hidden">Error: <\/span>/g,
];

/**
 * Defects found by these tests and reported, tolerated until fixed so the suites stay green.
 * Each names its report; delete the entry with the fix, and the scan guards it from then on.
 */
export const REPORTED_DEFECTS: readonly (readonly [string, RegExp])[] = [];

/** The markers a text trips, after the pages' deliberate "Error:" prefixes are taken out. */
export function leaksIn(text: string): string[] {
  let scanned = text;
  for (const deliberate of DELIBERATE_ERROR_WORDS) scanned = scanned.replace(deliberate, '');
  for (const [, defect] of REPORTED_DEFECTS) scanned = scanned.replace(defect, '');
  return LEAK_MARKERS.filter(([, pattern]) => pattern.test(scanned)).map(([name]) => name);
}

/** Whether a generated input could itself be echoed as a marker (inputs are echoed on forms). */
export function isQuiet(text: string): boolean {
  const squeezed = text.replace(/[\p{Cc}\p{Cf}]/gu, '');
  return leaksIn(text).length === 0 && leaksIn(squeezed).length === 0;
}

const OUR_COOKIES = /^(?:__Host-)?farewell-(?:csrf|session)=/;

export interface ResponseRules {
  /** Redirects must lead into the console (every redirect the app makes does). */
  redirectsUnder?: string;
}

/** Every way a response breaks the invariants; empty when it holds them all. */
export function responseProblems(response: unknown, rules: ResponseRules = {}): string[] {
  if (!response || typeof response !== 'object') return ['the handler answered no response'];
  const answer = response as HttpResponse;
  const problems: string[] = [];
  const status = answer.statusCode;
  if (!Number.isInteger(status) || status < 200 || status > 499) {
    problems.push(`status ${status}`);
  }
  const body = bodyOf(answer);
  if (body.length > 0 && !headerOf(answer, 'content-type')) {
    problems.push('a body without a content type');
  }
  for (const leak of leaksIn(body)) problems.push(`the body holds ${leak}`);
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    if (/[\r\n]/.test(`${name}${value}`)) problems.push(`header ${name} holds a line break`);
    if (name.toLowerCase() !== 'location') {
      for (const leak of leaksIn(String(value))) problems.push(`header ${name} holds ${leak}`);
    }
  }
  if (status >= 300 && status < 400) {
    const location = headerOf(answer, 'location') ?? '';
    if (!location.startsWith('/') || /^\/[/\\]/.test(location) || /[\s\\]/.test(location)) {
      problems.push(`a redirect off our origin: ${JSON.stringify(location)}`);
    }
    if (rules.redirectsUnder && !location.startsWith(rules.redirectsUnder)) {
      problems.push(`a redirect outside ${rules.redirectsUnder}: ${JSON.stringify(location)}`);
    }
  }
  for (const cookie of answer.cookies ?? []) {
    if (!OUR_COOKIES.test(cookie)) problems.push(`a foreign cookie: ${cookie.split('=')[0]}`);
    if (!/; HttpOnly(;|$)/.test(cookie)) problems.push('a cookie without HttpOnly');
    if (!/; SameSite=(Strict|Lax)(;|$)/.test(cookie)) problems.push('a cookie without SameSite');
    if (/[\r\n]/.test(cookie)) problems.push('a cookie with a line break');
  }
  return problems;
}

/** Throws a case's broken invariants, with the start of the response that broke them. */
export function throwProblems(
  problems: string[],
  response: { statusCode: number },
  text: string,
): void {
  if (problems.length > 0) {
    throw new Error(
      `${problems.join('; ')}\nresponse: ${response.statusCode} ${text.slice(0, 400)}`,
    );
  }
}

/**
 * Counts unhandled rejections and uncaught exceptions while hostile input runs: none may occur
 * (a request's own failure must become its answer, not float away).
 */
export class CrashWatch {
  readonly crashes: string[] = [];
  private readonly onCrash = (error: unknown) => {
    this.crashes.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };

  start(): void {
    process.on('unhandledRejection', this.onCrash);
    process.on('uncaughtException', this.onCrash);
  }

  stop(): void {
    process.off('unhandledRejection', this.onCrash);
    process.off('uncaughtException', this.onCrash);
  }
}
