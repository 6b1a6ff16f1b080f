/**
 * What the console fuzzers share: a signed-in session with the token of any form, where `next`
 * must never lead, and how to tell a redirect that stays inside the console.
 */
import { Csrf, csrfKeys } from '../../functions/handlers/http/csrf.js';
import type { CsrfMode } from './hostile-forms.js';
import { bodyOf } from './hostile-http.js';
import type { HostileStack } from './hostile-stack.js';

/** Where `next` must never lead; each must land on the exits list. */
export const OFF_SITE_NEXT = [
  '//attacker.example',
  '//attacker.example/admin',
  'https://attacker.example/admin',
  'http:attacker.example',
  '/\\attacker.example',
  '\\/attacker.example',
  '/admin.attacker.example',
  '/admin@attacker.example',
  '/admin/../account',
  '/admin/..%2f..%2fattacker',
  '/admin//attacker.example',
  '/admin/%2F%2Fattacker.example',
  '/admin/%5C%5Cattacker.example',
  '/%2Fattacker.example',
  '/ admin',
  '/admin\t/x',
  '/admin\r\nLocation: https://attacker.example',
  'javascript:alert(1)',
  'data:text/html,x',
  '/admin/sign-in',
  '/admin/sign-in?next=//attacker.example',
  '',
  ' ',
];

/** Same-origin console paths a sign-in may go back to, as they are. */
export const GOOD_NEXT = [
  '/admin',
  '/admin/insights',
  '/admin/exits?status=paused&q=ada',
  '/admin/exits#x',
];

/** Whether a `Location` stays on our origin and inside the console (never the sign-in page). */
export function consoleLocationProblem(location: string): string | undefined {
  const base = 'https://console.invalid';
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    return `an unreadable location ${JSON.stringify(location)}`;
  }
  if (url.origin !== base || !location.startsWith('/admin') || /^\/[/\\]/.test(location)) {
    return `a redirect off the console: ${JSON.stringify(location)}`;
  }
  if (!/^\/admin(?:\/|$)/.test(url.pathname)) return `a redirect outside /admin: ${location}`;
  if (
    url.pathname === '/admin/sign-in' &&
    !/^\/admin\/sign-in(\?(next=|signed-out))?/.test(location)
  ) {
    return `an odd sign-in redirect: ${location}`;
  }
  return undefined;
}

/** A signed-in operator's cookies and the token of any form path. */
export interface ConsoleSession {
  cookies: string[];
  token(action: string): string;
}

/** Signs in through the form and derives form tokens as the console does (checked against a page). */
export async function consoleSession(stack: HostileStack): Promise<ConsoleSession> {
  const browser = stack.browser();
  const response = await browser.signIn(stack.operator.email, stack.operator.password);
  if (response.statusCode !== 303) throw new Error(`sign-in answered ${response.statusCode}`);
  const session = browser.cookies.get('farewell-session') ?? '';
  const sid = (
    JSON.parse(Buffer.from(session.split('.')[0] ?? '', 'base64url').toString()) as {
      sid: string;
    }
  ).sid;
  const csrf = new Csrf({ keys: csrfKeys(stack.config.FAREWELL_LINK_KEYS), secure: false });
  const token = (action: string) => csrf.bound(sid, action);
  const page = bodyOf(await browser.get('/admin/exits/new'));
  if (!page.includes(`value="${token('/admin/exits/new')}"`)) {
    throw new Error('the derived form token is not the one the console puts in its form');
  }
  return { cookies: browser.jar(), token };
}

/** The CSRF field a console case sends for `action`, as its mode says. */
export function tokenFor(session: ConsoleSession, mode: CsrfMode, action: string, hostile: string) {
  const valid = session.token(action);
  return {
    valid,
    missing: undefined,
    wrong: `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`,
    'other-form': session.token('/admin/exits/new/other'),
    hostile,
  }[mode];
}
