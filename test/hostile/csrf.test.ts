import { beforeAll, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { Csrf, csrfKeys } from '../../functions/handlers/http/csrf.js';
import { ConsoleClient } from '../support/console-client.js';
import { clientPool, linkMint } from '../support/hostile-client-pool.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { exitRequested } from '../support/webhooks.js';

/**
 * Every state-changing form, posted over HTTP with its CSRF token missing, empty, wrong, made
 * for another form or another session (or, on the client pages, without the browser's cookie):
 * 403, and nothing changed.
 */

const stack = startForFile(startHostileStack);
let appUrl: string;
let operator: ConsoleClient;
/** A second session of the same operator: its tokens must not fit the first one's forms. */
let other: ConsoleClient;
let exitId: string;

async function startedExit(): Promise<string> {
  const response = await stack.harness.webhook(exitRequested());
  const { exitId: id } = (await response.json()) as { exitId: string };
  await waitFor(async () => {
    const exit = await stack.harness.stack.store.get(id);
    return exit?.steps.notice?.state === 'sent' ? true : undefined;
  }, 8_000);
  return id;
}

beforeAll(async () => {
  appUrl = stack.harness.stack.appUrl;
  operator = new ConsoleClient(appUrl);
  other = new ConsoleClient(appUrl);
  for (const client of [operator, other]) {
    expect((await client.signIn(stack.operator.email, stack.operator.password)).status).toBe(303);
  }
  exitId = await startedExit();
});

type Defect = 'missing' | 'empty' | 'random' | 'another form' | 'another session';
const DEFECTS: Defect[] = ['missing', 'empty', 'random', 'another form', 'another session'];

async function exitNow(id: string): Promise<Exit | undefined> {
  return stack.harness.stack.store.get(id);
}

/** A console form's fields with its token spoiled as `defect` says. */
async function spoiled(
  page: string,
  action: string,
  defect: Defect,
): Promise<Record<string, string>> {
  const fromPage = async (client: ConsoleClient, path: string, target: string) =>
    ConsoleClient.token(await (await client.get(path)).text(), target);
  switch (defect) {
    case 'missing':
      return {};
    case 'empty':
      return { csrf: '' };
    case 'random':
      return { csrf: 'bm90LWEtdG9rZW4tb2YtdGhpcy1mb3JtLWF0LWFsbC4' };
    case 'another form': {
      const [foreignPage, foreign] =
        action === '/admin/sign-out'
          ? ['/admin/exits/new', '/admin/exits/new']
          : [page, '/admin/sign-out'];
      return { csrf: await fromPage(operator, foreignPage, foreign) };
    }
    case 'another session': {
      // The other session's own token for this very form (a page shows resume only when paused).
      const session = other.cookies.get('farewell-session') ?? '';
      const { sid } = JSON.parse(
        Buffer.from(session.split('.')[0] ?? '', 'base64url').toString(),
      ) as {
        sid: string;
      };
      return {
        csrf: new Csrf({ keys: csrfKeys(stack.config.FAREWELL_LINK_KEYS), secure: false }).bound(
          sid,
          action,
        ),
      };
    }
  }
}

describe('console forms', () => {
  const exitForms = ['cancel', 'pause', 'resume', 'send-now', 'effective-date', 'erase'];
  const cases = DEFECTS.flatMap((defect) => [
    ...exitForms.map((action) => ({ action, defect })),
    { action: 'new', defect },
    { action: 'sign-out', defect },
    { action: 'time-travel', defect },
  ]);

  it.each(cases)(
    '$action with its token $defect: 403, nothing changes',
    async ({ action, defect }) => {
      const exitPage = `/admin/exits/${exitId}`;
      const form = {
        new: { page: '/admin/exits/new', path: '/admin/exits/new' },
        'sign-out': { page: '/admin/exits', path: '/admin/sign-out' },
        'time-travel': { page: '/admin/exits', path: '/admin/local/time-travel' },
        erase: { page: `${exitPage}/erase`, path: `${exitPage}/erase` },
      }[action] ?? { page: exitPage, path: `${exitPage}/${action}` };
      const fields = {
        name: 'Mallory Client',
        email: 'mallory@client.example',
        initiatedBy: 'firm',
        intent: 'confirm',
        step: 'gratitude',
        effectiveOn: '2031-01-31',
        days: '400',
        next: '/admin/exits',
      };
      const before = await exitNow(exitId);
      const clock = await stack.harness.travel(0);

      const response = await operator.post(form.path, {
        ...fields,
        ...(await spoiled(form.page, form.path, defect)),
      });

      expect(response.status).toBe(403);
      expect(await exitNow(exitId)).toEqual(before);
      expect((await stack.harness.travel(0)).toMillis() - clock.toMillis()).toBeLessThan(60_000);
      expect((await operator.get('/admin/exits')).status).toBe(200);
      const started = await stack.harness.stack.store.listByStatus('active', { search: 'mallory' });
      expect(started.exits).toEqual([]);
    },
  );

  it('accepts a form with its own session token (the refusals above are about the token)', async () => {
    const path = `/admin/exits/${exitId}/pause`;
    // The token that 'another session' posts above, sent by that other session itself.
    const { csrf = '' } = await spoiled(`/admin/exits/${exitId}`, path, 'another session');

    const paused = await other.post(path, { csrf });
    const resumed = await operator.submit(
      `/admin/exits/${exitId}`,
      `/admin/exits/${exitId}/resume`,
    );

    expect(paused.headers.get('location')).toBe(`/admin/exits/${exitId}?done=paused`);
    expect(resumed.headers.get('location')).toBe(`/admin/exits/${exitId}?done=resumed`);
  });

  it('refuses a sign-in form without the browser cookie its token was made for', async () => {
    const client = new ConsoleClient(appUrl);
    const html = await (await client.get('/admin/sign-in')).text();
    const csrf = ConsoleClient.token(html, '/admin/sign-in');
    client.cookies.clear();

    const response = await client.post('/admin/sign-in', {
      csrf,
      email: stack.operator.email,
      password: stack.operator.password,
    });

    expect(response.status).toBe(403);
    expect(client.cookies.has('farewell-session')).toBe(false);
  });

  it.each(['missing', 'empty', 'random'] as const)(
    'refuses a sign-in form whose token is %s',
    async (defect) => {
      const client = new ConsoleClient(appUrl);
      await client.get('/admin/sign-in');

      const response = await client.post('/admin/sign-in', {
        ...(await spoiled('/admin/sign-in', '/admin/sign-in', defect)),
        email: stack.operator.email,
        password: stack.operator.password,
      });

      expect(response.status).toBe(403);
      expect(client.cookies.has('farewell-session')).toBe(false);
    },
  );
});

describe('client page forms', () => {
  let survey: { exitId: string; path: string };
  let preferences: { exitId: string; path: string };

  beforeAll(async () => {
    const [first = '', second = ''] = await clientPool(stack, 2, 'csrf');
    const mint = linkMint(stack);
    survey = { exitId: first, path: `/s/${mint.token(first, 'survey')}` };
    preferences = { exitId: second, path: `/u/${mint.token(second, 'unsubscribe')}` };
  });

  /** A browser that opened the page: its cookie, and the page's token. */
  async function opened(path: string): Promise<{ cookie: string; token: string }> {
    const response = await fetch(`${appUrl}${path}`);
    const cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    return { cookie, token: ConsoleClient.token(await response.text(), path) };
  }

  const spoilers: Record<
    string,
    (
      own: { cookie: string; token: string },
      path: string,
    ) => Promise<{ cookie?: string; csrf?: string }>
  > = {
    'no token': async (own) => ({ cookie: own.cookie }),
    'an empty token': async (own) => ({ cookie: own.cookie, csrf: '' }),
    'a random token': async (own) => ({ cookie: own.cookie, csrf: 'x'.repeat(43) }),
    'no cookie': async (own) => ({ csrf: own.token }),
    "another browser's cookie": async (own, path) => ({
      cookie: (await opened(path)).cookie,
      csrf: own.token,
    }),
    "another page's token": async (own, path) => {
      const elsewhere = path.startsWith('/s/') ? preferences.path : survey.path;
      const foreign = await fetch(`${appUrl}${elsewhere}`, { headers: { cookie: own.cookie } });
      return { cookie: own.cookie, csrf: ConsoleClient.token(await foreign.text(), elsewhere) };
    },
  };

  const forms: { form: string; fields: Record<string, string> }[] = [
    {
      form: 'the survey',
      fields: { reason: 'budget', score: '2', testimonial: 'Forged', publishAs: 'name' },
    },
    { form: 'stop all emails', fields: { action: 'stop' } },
    { form: 'pause for six months', fields: { action: 'pause' } },
    { form: 'come back', fields: { action: 'resubscribe' } },
  ];
  const cases = forms.flatMap((form) =>
    Object.keys(spoilers).map((spoiler) => ({ ...form, spoiler })),
  );

  it.each(cases)('$form with $spoiler: 403, nothing changes', async ({ form, fields, spoiler }) => {
    const target = form === 'the survey' ? survey : preferences;
    const own = await opened(target.path);
    const spoil = spoilers[spoiler];
    if (!spoil) throw new Error(spoiler);
    const { cookie, csrf } = await spoil(own, target.path);
    const before = await exitNow(target.exitId);

    const response = await fetch(`${appUrl}${target.path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookie ? { cookie } : {}),
      },
      body: new URLSearchParams({ ...fields, ...(csrf !== undefined ? { csrf } : {}) }).toString(),
      redirect: 'manual',
    });

    expect(response.status).toBe(403);
    expect(await exitNow(target.exitId)).toEqual(before);
  });

  it('accepts the same forms with their own token (the refusals above are about the token)', async () => {
    const own = await opened(preferences.path);

    const response = await fetch(`${appUrl}${preferences.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: own.cookie },
      body: new URLSearchParams({ action: 'pause', csrf: own.token }).toString(),
    });

    expect(response.status).toBe(200);
    expect((await exitNow(preferences.exitId))?.timeline.at(-1)?.event).toBe(
      'client.paused-emails',
    );
  });
});
