import { beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../../functions/domain/use-cases/operators.js';
import { ConsoleClient } from '../support/console-client.js';
import { consoleLocationProblem, OFF_SITE_NEXT } from '../support/hostile-console-session.js';
import { headerOf } from '../support/hostile-http.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { startForFile } from '../support/start-for-file.js';

/**
 * Session fixation (a session planted before sign-in, even a valid one of another operator, is
 * never the one signed in) and open redirects (`next` on sign-in, on time travel, and the way
 * back from the sign-in guard all stay inside the console).
 */

const MALLORY = { email: 'mallory@firm.example', password: 'mallory-has-her-own-password-42' };

const stack = startForFile(startHostileStack);
let appUrl: string;

beforeAll(async () => {
  appUrl = stack.harness.stack.appUrl;
  await addOperator(stack.deps.operators, MALLORY);
});

function sid(cookie = ''): string {
  return (
    JSON.parse(Buffer.from(cookie.split('.')[0] ?? '', 'base64url').toString()) as { sid: string }
  ).sid;
}

async function signedInAs(client: ConsoleClient): Promise<string | undefined> {
  const html = await (await client.get('/admin/exits')).text();
  return [MALLORY.email, stack.operator.email].find((email) => html.includes(email));
}

describe('session fixation', () => {
  it('never signs in with a session another operator planted: the victim gets their own', async () => {
    const attacker = new ConsoleClient(appUrl);
    await attacker.signIn(MALLORY.email, MALLORY.password);
    const planted = attacker.cookies.get('farewell-session') ?? '';
    const victim = new ConsoleClient(appUrl);
    const form = await (await victim.get('/admin/sign-in')).text();
    // Planted while the victim's sign-in form is open (a page with a session skips the form).
    victim.cookies.set('farewell-session', planted);

    const response = await victim.post('/admin/sign-in', {
      csrf: ConsoleClient.token(form, '/admin/sign-in'),
      email: stack.operator.email,
      password: stack.operator.password,
    });

    const issued = victim.cookies.get('farewell-session') ?? '';
    expect(response.status).toBe(303);
    expect(issued).not.toBe(planted);
    expect(sid(issued)).not.toBe(sid(planted));
    expect(await signedInAs(victim)).toBe(stack.operator.email);
    // The planted cookie was not upgraded: it is still only Mallory's.
    expect(await signedInAs(attacker)).toBe(MALLORY.email);
  });

  it('gives a fresh session id on every sign-in, whatever the browser sent', async () => {
    const client = new ConsoleClient(appUrl);
    const ids = new Set<string>();
    for (const planted of ['planted', 'a.b', `${'A'.repeat(40)}.${'B'.repeat(43)}`]) {
      client.cookies.set('farewell-session', planted);
      await client.signIn(stack.operator.email, stack.operator.password);
      ids.add(sid(client.cookies.get('farewell-session')));
    }

    expect(ids.size).toBe(3);
  });

  it('refuses a copied session cookie once its operator signed out', async () => {
    const client = new ConsoleClient(appUrl);
    await client.signIn(MALLORY.email, MALLORY.password);
    const copy = new ConsoleClient(appUrl);
    copy.cookies.set('farewell-session', client.cookies.get('farewell-session') ?? '');

    const out = await client.submit('/admin/exits', '/admin/sign-out');

    expect(out.headers.get('location')).toBe('/admin/sign-in?signed-out');
    expect((await copy.get('/admin/exits')).status).toBe(303);
  });
});

describe('open redirects', () => {
  let signedIn: ConsoleClient;

  beforeAll(async () => {
    signedIn = new ConsoleClient(appUrl);
    await signedIn.signIn(stack.operator.email, stack.operator.password);
  });

  it.each(OFF_SITE_NEXT)('GET sign-in with next=%j, signed in, goes to the exits', async (next) => {
    const response = await signedIn.get(`/admin/sign-in?next=${encodeURIComponent(next)}`);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/exits');
  });

  it.each(OFF_SITE_NEXT)('POST sign-in with next=%j goes to the exits', async (next) => {
    const client = new ConsoleClient(appUrl);

    const response = await client.signIn(stack.operator.email, stack.operator.password, next);

    expect(response.headers.get('location')).toBe('/admin/exits');
  });

  it.each(OFF_SITE_NEXT)('time travel with next=%j comes back inside the console', async (next) => {
    const response = await signedIn.submit('/admin/exits', '/admin/local/time-travel', {
      days: '1',
      next,
    });

    const location = response.headers.get('location') ?? '';
    expect(response.status).toBe(303);
    expect(consoleLocationProblem(location)).toBeUndefined();
    expect(location).toMatch(/^\/admin\/exits\?travelled=1&fired=\d+$/);
  });

  it.each([
    '/admin//attacker.example',
    '/admin/%2F%2Fattacker.example',
    '/admin/..%2F..%2Fattacker',
    '/admin/\\attacker.example',
    '/admin/exits?next=//attacker.example',
    '/admin/%0d%0aLocation:%20https://attacker.example',
  ])('the way back from the sign-in guard for %s stays inside the console', async (path) => {
    const guard = await stack.call({
      method: 'GET',
      path: path.split('?')[0] ?? '',
      query: path.split('?')[1] ?? '',
    });
    const toSignIn = headerOf(guard, 'location') ?? '';
    const next = new URL(toSignIn, 'https://console.invalid').searchParams.get('next') ?? '';
    const client = new ConsoleClient(appUrl);

    const response = await client.signIn(stack.operator.email, stack.operator.password, next);

    expect(guard.statusCode).toBe(303);
    expect(toSignIn).toMatch(/^\/admin\/sign-in(\?next=[^\r\n]*)?$/);
    expect(consoleLocationProblem(response.headers.get('location') ?? '')).toBeUndefined();
  });
});
