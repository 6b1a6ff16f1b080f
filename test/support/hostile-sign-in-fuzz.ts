/**
 * `GET`/`POST /admin/sign-in` under hostile input, in process: with and without the CSRF cookie,
 * tokens wrong or made for another form, planted sessions, hostile emails and passwords, and
 * `next` values meant to lead off the console.
 */
import fc from 'fast-check';
import { unlockSignIn } from '../../functions/domain/use-cases/operators.js';
import { Csrf, csrfKeys } from '../../functions/handlers/http/csrf.js';
import { hostileEmail, hostileText, validEmail } from './hostile-arbitraries.js';
import { consoleLocationProblem, GOOD_NEXT, OFF_SITE_NEXT } from './hostile-console-session.js';
import {
  type CsrfMode,
  csrfMode,
  effectiveFields,
  type FormEncoding,
  formEncoding,
  formRequest,
  refusedForm,
} from './hostile-forms.js';
import { type FuzzFigures, fuzz } from './hostile-fuzz.js';
import { bodyOf, headerOf, percentEncode } from './hostile-http.js';
import { responseProblems, throwProblems } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';

interface SignInCase {
  method: 'POST' | 'GET';
  csrf: CsrfMode;
  cookie: 'browser' | 'none' | 'hostile' | 'planted';
  credentials: 'correct' | 'case' | 'wrong' | 'unknown' | 'hostile';
  next: string | undefined;
  email: string;
  text: string;
  encoding: FormEncoding;
}

const signInCase: fc.Arbitrary<SignInCase> = fc.record({
  method: fc.oneof(
    { weight: 9, arbitrary: fc.constant<'POST' | 'GET'>('POST') },
    { weight: 1, arbitrary: fc.constant<'POST' | 'GET'>('GET') },
  ),
  csrf: csrfMode(2),
  cookie: fc.oneof(
    { weight: 8, arbitrary: fc.constant<SignInCase['cookie']>('browser') },
    { weight: 2, arbitrary: fc.constantFrom<SignInCase['cookie']>('none', 'hostile', 'planted') },
  ),
  credentials: fc.oneof(
    { weight: 2, arbitrary: fc.constant<SignInCase['credentials']>('correct') },
    {
      weight: 4,
      arbitrary: fc.constantFrom<SignInCase['credentials']>('case', 'wrong', 'unknown', 'hostile'),
    },
  ),
  next: fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...GOOD_NEXT),
    fc.constantFrom(...OFF_SITE_NEXT),
    hostileText,
    hostileText.map((text) => `/admin/${text}`),
  ),
  email: fc.oneof(validEmail, hostileEmail),
  text: hostileText,
  encoding: formEncoding,
});

/** Fuzzes `GET` and `POST /admin/sign-in`. */
export async function fuzzSignIn(stack: HostileStack, runs: number): Promise<FuzzFigures> {
  const browser = stack.browser();
  const page = await browser.get('/admin/sign-in');
  const secret = browser.cookies.get('farewell-csrf') ?? '';
  const token = /name="csrf" value="([^"]+)"/.exec(bodyOf(page))?.[1] ?? '';
  const csrf = new Csrf({ keys: csrfKeys(stack.config.FAREWELL_LINK_KEYS), secure: false });
  const { email: operatorEmail, password } = stack.operator;
  return fuzz('console sign-in', signInCase, runs, async (c, tally) => {
    const cookies = {
      browser: [`farewell-csrf=${secret}`],
      none: [],
      hostile: [`farewell-csrf=${c.text}`],
      planted: [`farewell-csrf=${secret}`, 'farewell-session=planted.by-someone-else'],
    }[c.cookie];
    if (c.method === 'GET') {
      const response = await stack.call({
        method: 'GET',
        path: '/admin/sign-in',
        cookies,
        ...(c.next !== undefined ? { query: `next=${percentEncode(c.next)}` } : {}),
      });
      tally.add(`GET ${response.statusCode}`);
      const problems = responseProblems(response);
      if (response.statusCode !== 200) problems.push(`GET answered ${response.statusCode}`);
      return throwProblems(problems, response, bodyOf(response));
    }
    const credentials = {
      correct: { email: operatorEmail, password },
      case: { email: ` ${operatorEmail.toUpperCase()} `, password },
      wrong: { email: operatorEmail, password: c.text },
      unknown: { email: c.email, password },
      hostile: { email: c.text, password: c.text },
    }[c.credentials];
    const field = {
      valid: token,
      missing: undefined,
      wrong: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      'other-form': csrf.token(secret, '/admin/exits/new'),
      hostile: c.text,
    }[c.csrf];
    const fields: Record<string, string> = {
      ...(field !== undefined ? { csrf: field } : {}),
      ...credentials,
      ...(c.next !== undefined ? { next: c.next } : {}),
    };
    const signsIn =
      (c.credentials === 'correct' || c.credentials === 'case') &&
      c.csrf === 'valid' &&
      (c.cookie === 'browser' || c.cookie === 'planted');
    // A lockout left by earlier wrong passwords would hide whether a good sign-in works.
    if (signsIn) await unlockSignIn(stack.deps.operators, operatorEmail);
    const response = await stack.call(formRequest('/admin/sign-in', fields, c.encoding, cookies));
    tally.add(response.statusCode);
    const problems = responseProblems(response, { redirectsUnder: '/admin' });
    const read = effectiveFields(fields, c.encoding);
    const refused = refusedForm(fields, c.encoding);
    const csrfOk = read.csrf === token && (c.cookie === 'browser' || c.cookie === 'planted');
    const goodCredentials =
      read.password === password && read.email?.trim().toLowerCase() === operatorEmail;
    const expected = refused
      ? [refused]
      : !csrfOk
        ? [403]
        : goodCredentials
          ? [303]
          : c.credentials === 'case'
            ? [303, 401, 429]
            : [401, 429];
    if (!expected.includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}, expected ${expected.join(' or ')}`);
    }
    const session = (response.cookies ?? []).find((cookie) =>
      cookie.startsWith('farewell-session='),
    );
    if (response.statusCode === 303) {
      const location = headerOf(response, 'location') ?? '';
      const off = consoleLocationProblem(location);
      if (off) problems.push(off);
      if (location.startsWith('/admin/sign-in')) problems.push('signed in, yet sent to sign in');
      if (OFF_SITE_NEXT.includes(read.next ?? '') && location !== '/admin/exits') {
        problems.push(`next=${JSON.stringify(read.next)} led to ${location}`);
      }
      if (GOOD_NEXT.includes(read.next ?? '') && location !== read.next && read.next !== '/admin') {
        problems.push(`next=${read.next} led to ${location}`);
      }
      if (!session || session.includes('planted')) problems.push('no fresh session cookie');
    } else if (session && !/Max-Age=0/.test(session)) {
      problems.push(`a session cookie on a ${response.statusCode}`);
    }
    throwProblems(problems, response, bodyOf(response));
  });
}
