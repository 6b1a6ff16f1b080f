import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoSendingStatus } from '../../functions/adapters/dynamo-sending-status.js';
import type { Exit, SurveyAnswers } from '../../functions/domain/exit.js';
import { deferBlockedStep } from '../../functions/domain/exit-changes.js';
import { emailHash } from '../../functions/domain/ids.js';
import { sendingBlocked } from '../../functions/domain/sending-blocked.js';
import { ConsoleClient } from '../support/console-client.js';
import { buildExit } from '../support/exit-fixture.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { CHEAP_PASSWORDS, startTestStack } from '../support/test-stack.js';
import { exitRequested, signWebhook } from '../support/webhooks.js';

/**
 * The operator console over plain HTTP, through one in-process local stack: the session guard on
 * every route, `next` and open redirects, session fixation, the CSV export, the insights'
 * numbers, the actions, and erasure checked against the table and the scheduler themselves.
 */

// Sign-ins are many here: cheap scrypt parameters, the same code path.
const harness = startForFile(() => startTestStack({}, { passwordParams: CHEAP_PASSWORDS }));
let operator: { email: string; password: string };
let signedIn: ConsoleClient;
const SOME_EXIT = `x${'a'.repeat(24)}`;

beforeAll(async () => {
  const first = harness.stack.operator;
  if (first.password.source !== 'generated') throw new Error('expected a generated password');
  operator = { email: first.email, password: first.password.value };
  signedIn = new ConsoleClient(harness.stack.appUrl);
  expect((await signedIn.signIn(operator.email, operator.password)).status).toBe(303);
});

function answered(answers: SurveyAnswers, extra: Partial<Exit> = {}): Exit {
  const at = '2025-04-04T09:00:00.000Z';
  return buildExit({
    survey: { answers, answeredAt: at, revisedAt: at, revision: 1 },
    ...extra,
  });
}

async function startedExit(payload = exitRequested()): Promise<Exit> {
  const { exitId } = (await (await harness.webhook(payload)).json()) as { exitId: string };
  const sent = await waitFor(async () => {
    const exit = await harness.stack.store.get(exitId);
    return exit?.steps.notice?.state === 'sent' ? exit : undefined;
  }, 8_000);
  if (!sent) throw new Error('the notice did not go out');
  return sent;
}

describe('without a session', () => {
  const gets = [
    '/admin',
    '/admin/exits',
    '/admin/exits?status=paused&q=ada',
    '/admin/exits/new',
    `/admin/exits/${SOME_EXIT}`,
    `/admin/exits/${SOME_EXIT}/erase`,
    `/admin/exits/${SOME_EXIT}/cancel`,
    '/admin/insights',
    '/admin/exports/exits.csv',
    '/admin/no-such-page',
  ];
  const posts = [
    '/admin/sign-out',
    '/admin/exits/new',
    ...['cancel', 'pause', 'resume', 'send-now', 'effective-date', 'erase'].map(
      (action) => `/admin/exits/${SOME_EXIT}/${action}`,
    ),
    '/admin/local/time-travel',
  ];

  it.each(gets)('GET %s answers 303 to the sign-in page, coming back after', async (path) => {
    const response = await new ConsoleClient(harness.stack.appUrl).get(path);

    expect(response.status).toBe(303);
    const expected = path === '/admin' ? '' : `?next=${encodeURIComponent(path)}`;
    expect(response.headers.get('location')).toBe(`/admin/sign-in${expected}`);
  });

  it.each(posts)('POST %s answers 303 to the sign-in page and changes nothing', async (path) => {
    const response = await new ConsoleClient(harness.stack.appUrl).post(path, { csrf: 'x' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/sign-in');
  });

  it('treats a forged session cookie the same, and removes it', async () => {
    const client = new ConsoleClient(harness.stack.appUrl);
    client.cookies.set('farewell-session', 'eyJzdWIiOiJhZG1pbiJ9.forged');

    const response = await client.get('/admin/exits');

    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie().join()).toMatch(/farewell-session=; .*Max-Age=0/);
  });
});

describe('where sign-in leads', () => {
  it('goes back to the console page named in next, query included', async () => {
    const client = new ConsoleClient(harness.stack.appUrl);

    const response = await client.signIn(operator.email, operator.password, '/admin/insights?x=1');

    expect(response.headers.get('location')).toBe('/admin/insights?x=1');
  });

  it.each([
    '//evil.example/admin',
    'https://evil.example/admin',
    '/\\evil.example',
    '/admin.evil.example',
    '/admin/../account',
    '/admin//evil.example',
    '/admin/%2F%2Fevil.example',
    'javascript:alert(1)',
    '/admin/sign-in',
  ])('never leaves the console for next=%s', async (next) => {
    const response = await signedIn.get(`/admin/sign-in?next=${encodeURIComponent(next)}`);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/exits');
  });

  it('ignores an off-site next posted with the sign-in form', async () => {
    const client = new ConsoleClient(harness.stack.appUrl);

    const response = await client.signIn(operator.email, operator.password, '//evil.example');

    expect(response.headers.get('location')).toBe('/admin/exits');
  });
});

describe('sessions', () => {
  it('issues a new session cookie on every sign-in, whatever cookie came in', async () => {
    const client = new ConsoleClient(harness.stack.appUrl);
    client.cookies.set('farewell-session', 'planted-by-someone-else');
    const html = await (await client.get('/admin/sign-in')).text();
    const form = {
      csrf: ConsoleClient.token(html, '/admin/sign-in'),
      email: operator.email,
      password: operator.password,
    };

    await client.post('/admin/sign-in', form);
    const first = client.cookies.get('farewell-session');
    await client.post('/admin/sign-in', form);
    const second = client.cookies.get('farewell-session');

    expect(first).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(first).not.toBe('planted-by-someone-else');
    expect(second).not.toBe(first);
    const sid = (token = '') =>
      JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).sid;
    expect(sid(second)).not.toBe(sid(first));
  });

  it('sets the cookie HttpOnly and SameSite, with an expiry', async () => {
    const client = new ConsoleClient(harness.stack.appUrl);
    const html = await (await client.get('/admin/sign-in')).text();

    const response = await client.post('/admin/sign-in', {
      csrf: ConsoleClient.token(html, '/admin/sign-in'),
      email: operator.email,
      password: operator.password,
    });

    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('farewell-session='));
    expect(cookie).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  });

  it('rejects a sign-in form without its CSRF token', async () => {
    const client = new ConsoleClient(harness.stack.appUrl);
    await client.get('/admin/sign-in');

    const response = await client.post('/admin/sign-in', {
      email: operator.email,
      password: operator.password,
    });

    expect(response.status).toBe(403);
    expect(client.cookies.has('farewell-session')).toBe(false);
  });
});

describe('insights', () => {
  it('counts the Net Promoter Score, reasons and consent from known answers', async () => {
    const scores = [10, 9, 9, 8, 7, 6, 0, 3, 10, 10];
    for (const [at, score] of scores.entries()) {
      await harness.stack.store.create(answered({ reason: at < 6 ? 'budget' : 'quality', score }));
    }
    await harness.stack.store.create(
      answered(
        { reason: 'budget', score: 9, testimonial: 'Once glowing, now private.' },
        {
          survey: {
            answers: { reason: 'budget', score: 9, testimonial: 'Once glowing, now private.' },
            answeredAt: '2025-04-01T09:00:00.000Z',
            revisedAt: '2025-04-02T09:00:00.000Z',
            revision: 2,
            consent: {
              scope: 'name',
              givenAt: '2025-04-01T09:00:00.000Z',
              withdrawnAt: '2025-04-02T09:00:00.000Z',
            },
          },
        },
      ),
    );

    const html = await (await signedIn.get('/admin/insights')).text();

    // 11 answers: promoters 6 (10, 9, 9, 10, 10, 9), passives 2, detractors 3 → (6 − 3) / 11.
    expect(html).toContain('<dt>Survey answers</dt><dd>11</dd>');
    expect(html).toContain('<dt>Net Promoter Score</dt><dd>27</dd>');
    expect(html).toContain('<dt>Detractors (0–6)</dt><dd>3</dd>');
    expect(html).toMatch(/<th scope="row">Budget or price<\/th><td class="number">7<\/td>/);
    expect(html).toMatch(/<th scope="row">The quality of the work<\/th><td class="number">4<\/td>/);
    expect(html).toContain('Once glowing, now private.');
    expect(html).toContain('Consent withdrawn: private, do not publish');
    expect(html).not.toContain('May be published');
  });
});

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"';
        at += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[at + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      at += 1;
    } else cell += char;
  }
  return rows;
}

describe('the CSV export', () => {
  it('is an attachment, quoted per RFC 4180, with formulas neutralised', async () => {
    const exit = answered(
      {
        reason: 'other',
        reasonDetail: '-2+3',
        whatWorked: 'Line one\nLine two, with a comma',
        improve: '+1 more',
        testimonial: '@SUM(A1:A2)',
        score: 7,
      },
      {
        client: {
          ...buildExit().client,
          name: '=HYPERLINK("https://evil.example","Click")',
          company: 'Acme, "Best" Ltd',
        },
      },
    );
    await harness.stack.store.create(exit);

    const response = await signedIn.get('/admin/exports/exits.csv');
    const body = await response.text();

    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="farewell-exits-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(body).toContain(`"'=HYPERLINK(""https://evil.example"",""Click"")"`);
    expect(body).toContain('"Acme, ""Best"" Ltd"');
    const [header = [], ...rows] = parseCsv(body.replace(/^\uFEFF/, ''));
    const row = rows.find((cells) => cells[0] === exit.id) ?? [];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(rows.every((cells) => cells.length === header.length)).toBe(true);
    expect(cell('client_name')).toBe(`'=HYPERLINK("https://evil.example","Click")`);
    expect(cell('company')).toBe('Acme, "Best" Ltd');
    expect(cell('what_worked')).toBe('Line one\nLine two, with a comma');
    expect(cell('improve')).toBe("'+1 more");
    expect(cell('leaving_reason_detail')).toBe("'-2+3");
    expect(cell('testimonial')).toBe("'@SUM(A1:A2)");
    expect(cell('score')).toBe('7');
  });
});

describe('starting an exit from the form', () => {
  const fields = {
    name: 'Dorothy Vaughan',
    email: 'dorothy@langley.example',
    initiatedBy: 'client',
    timezone: 'America/New_York',
  };

  /** The blank form's token and key, then its preview's fingerprint. */
  async function previewed(): Promise<Record<string, string>> {
    const blank = await (await signedIn.get('/admin/exits/new')).text();
    const base = {
      csrf: ConsoleClient.token(blank, '/admin/exits/new'),
      key: blank.match(/name="key" value="([^"]+)"/)?.[1] ?? '',
      ...fields,
    };
    const preview = await (
      await signedIn.post('/admin/exits/new', { ...base, intent: 'preview' })
    ).text();
    return { ...base, previewed: preview.match(/name="previewed" value="([^"]+)"/)?.[1] ?? '' };
  }

  it('refuses an effective date beyond the grace in the past with the form naming the field', async () => {
    const blank = await (await signedIn.get('/admin/exits/new')).text();

    const response = await signedIn.post('/admin/exits/new', {
      csrf: ConsoleClient.token(blank, '/admin/exits/new'),
      key: blank.match(/name="key" value="([^"]+)"/)?.[1] ?? '',
      ...fields,
      effectiveOn: '2020-01-01',
      intent: 'preview',
    });

    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('must not be in the past');
    expect(page).toContain('id="field-effectiveOn"');
  });

  it('warns, without refusing, when the address already has a running exit', async () => {
    const existing = await startedExit();
    const blank = await (await signedIn.get('/admin/exits/new')).text();
    const base = {
      csrf: ConsoleClient.token(blank, '/admin/exits/new'),
      key: blank.match(/name="key" value="([^"]+)"/)?.[1] ?? '',
      ...fields,
    };
    const preview = async (email: string) =>
      (await signedIn.post('/admin/exits/new', { ...base, email, intent: 'preview' })).text();

    const warned = await preview(existing.client.email.toUpperCase());
    const fresh = await preview(`nobody+${randomUUID()}@client.example`);

    expect(warned).toContain('This address already has a running exit');
    expect(warned).toContain(`href="/admin/exits/${existing.id}"`);
    expect(warned).toContain('name="intent" value="confirm"');
    expect(fresh).not.toContain('already has');
  });

  it('offers a searchable list of current zone names, and maps an old one', async () => {
    const blank = await (await signedIn.get('/admin/exits/new')).text();
    const base = {
      csrf: ConsoleClient.token(blank, '/admin/exits/new'),
      key: blank.match(/name="key" value="([^"]+)"/)?.[1] ?? '',
      ...fields,
      timezone: 'Europe/Kiev',
    };
    const preview = await (
      await signedIn.post('/admin/exits/new', { ...base, intent: 'preview' })
    ).text();

    expect(blank).toContain('list="timezone-list"');
    expect(blank).toContain('<option value="Asia/Kolkata" data-legacy="Asia/Calcutta">');
    expect(blank).not.toContain('value="Europe/Kiev"');
    expect(preview).toContain("in the client's time (Europe/Kyiv)");
    expect(preview).toMatch(/id="timezone"[^>]* value="Europe\/Kyiv"/);
  });

  it('starts one exit however often the confirmed form is sent', async () => {
    const form = await previewed();

    const first = await signedIn.post('/admin/exits/new', { ...form, intent: 'confirm' });
    const second = await signedIn.post('/admin/exits/new', { ...form, intent: 'confirm' });

    const location = first.headers.get('location') ?? '';
    expect(location).toMatch(/^\/admin\/exits\/x[0-9a-f]{24}\?done=started#top$/);
    expect(second.headers.get('location')).toBe(location.replace('started', 'exists'));
    const exitId = location.split('/')[3]?.split('?')[0] ?? '';
    expect(await harness.stack.store.get(exitId)).toMatchObject({
      source: 'console',
      client: { name: 'Dorothy Vaughan', timezone: 'America/New_York' },
    });
  });

  it('previews again, starting nothing, when the fields changed since the preview', async () => {
    const form = await previewed();

    const response = await signedIn.post('/admin/exits/new', {
      ...form,
      name: 'Dorothy J. Vaughan',
      intent: 'confirm',
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('The form changed since the preview');
  });

  it('warns in the preview when the address unsubscribed or bounced before', async () => {
    const key = harness.stack.secrets.FAREWELL_SUPPRESSION_KEY;
    const blank = await (await signedIn.get('/admin/exits/new')).text();
    const base = {
      csrf: ConsoleClient.token(blank, '/admin/exits/new'),
      key: blank.match(/name="key" value="([^"]+)"/)?.[1] ?? '',
      ...fields,
    };
    const unsubscribed = 'unsubscribed-before@langley.example';
    const bounced = 'bounced-before@langley.example';
    await harness.stack.store.suppress(
      emailHash(key, unsubscribed),
      'unsubscribed',
      '2026-05-04T10:00:00.000Z',
    );
    await harness.stack.store.suppress(emailHash(key, bounced), 'bounce', '2026-05-04T10:00:00Z');

    const preview = async (email: string) =>
      (await signedIn.post('/admin/exits/new', { ...base, email, intent: 'preview' })).text();

    // The comma after the weekday depends on the runtime's locale data.
    expect(await preview(unsubscribed)).toMatch(
      /This address unsubscribed on Monday,? 4 May 2026; the notice and thank-you still go, the survey and check-ins will not\./,
    );
    expect(await preview(bounced)).toContain('This address bounced: nothing will be delivered.');
    expect(await preview(fields.email)).not.toMatch(
      /This address (unsubscribed|bounced|complained)|nothing will be delivered/,
    );
  });

  it('opens the notice as HTML on a sandboxed page', async () => {
    const form = await previewed();

    const response = await signedIn.post('/admin/exits/new', { ...form, intent: 'email' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(response.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(await response.text()).toContain('Dear Dorothy,');
  });
});

describe('actions on an exit', () => {
  it('asks before cancelling, as before erasing, and cancels only once confirmed', async () => {
    const exit = await startedExit();
    const page = `/admin/exits/${exit.id}`;

    const html = await (await signedIn.get(page)).text();
    const confirm = await signedIn.get(`${page}/cancel`);
    const before = await harness.stack.store.get(exit.id);
    const response = await signedIn.submit(`${page}/cancel`, `${page}/cancel`);
    const after = await harness.stack.store.get(exit.id);

    expect(html).toContain(`href="${page}/cancel"`);
    expect(html).not.toContain(`action="${page}/cancel"`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Cancel the exit for');
    expect(before?.status).toBe('active');
    expect(response.headers.get('location')).toBe(`${page}?done=cancelled`);
    expect(after?.status).toBe('cancelled');
  });

  it('sends the next step now, once, through the normal send', async () => {
    const exit = await startedExit();
    const page = `/admin/exits/${exit.id}`;

    const first = await signedIn.submit(page, `${page}/send-now`, { step: 'gratitude' });
    const sent = await waitFor(async () => {
      const after = await harness.stack.store.get(exit.id);
      return after?.steps.gratitude?.state === 'sent' ? after : undefined;
    }, 8_000);
    const again = await signedIn.submit(page, `${page}/send-now`, { step: 'gratitude' });

    expect(first.headers.get('location')).toBe(`${page}?done=sent-now`);
    expect(sent?.steps.survey?.state).toBe('scheduled');
    expect(again.headers.get('location')).toBe(`${page}?done=not-sent-now`);
    const thanks = (await harness.emailsTo(exit.client.email)).filter((e) =>
      /thank/i.test(e.subject),
    );
    expect(thanks).toHaveLength(1);
  });

  it('changes the effective date: the steps ahead move, what was sent stays', async () => {
    const exit = await startedExit();
    const page = `/admin/exits/${exit.id}`;

    const response = await signedIn.submit(page, `${page}/effective-date`, {
      effectiveOn: '2031-06-13',
    });
    const after = await harness.stack.store.get(exit.id);

    expect(response.headers.get('location')).toBe(`${page}?done=replanned`);
    expect(after?.effectiveOn).toBe('2031-06-13');
    expect(after?.steps.notice).toEqual(exit.steps.notice);
    expect(after?.steps.gratitude?.dueAt).toBe('2031-06-13T14:00:00Z');
    expect(after?.timeline.at(-1)?.event).toBe('exit.replanned');
  });

  it('tells the client the new date once the notice went out, in one date-change email', async () => {
    const exit = await startedExit();
    const page = `/admin/exits/${exit.id}`;

    await signedIn.submit(page, `${page}/effective-date`, { effectiveOn: '2031-06-13' });
    const changes = await waitFor(async () => {
      const emails = await harness.emailsTo(exit.client.email);
      const found = emails.filter((email) => /new date/i.test(email.subject));
      return found.length > 0 ? found : undefined;
    }, 8_000);
    // The inbox has the email a moment before the sender commits the step as sent.
    const after = await waitFor(async () => {
      const stored = await harness.stack.store.get(exit.id);
      return stored?.steps['date-change-1']?.state === 'sent' ? stored : undefined;
    }, 8_000).then(async (sent) => sent ?? (await harness.stack.store.get(exit.id)));

    expect(changes).toHaveLength(1);
    // In the client's locale (en-US here), with the old date beside it.
    expect(changes?.[0]?.body.text).toMatch(/June 13, 2031 \(instead of /);
    expect(after?.steps['date-change-1']).toMatchObject({ kind: 'date-change', state: 'sent' });
    expect(after?.timeline.find((e) => e.event === 'exit.replanned')?.detail).toMatch(
      /13 June 2031/,
    );
  });

  it('refuses a date before today, naming the field', async () => {
    const exit = await startedExit();
    const page = `/admin/exits/${exit.id}`;

    const response = await signedIn.submit(page, `${page}/effective-date`, {
      effectiveOn: '2020-01-01',
    });

    expect(response.status).toBe(422);
    expect(await response.text()).toContain('must not be in the past');
    expect((await harness.stack.store.get(exit.id))?.effectiveOn).toBe(exit.effectiveOn);
  });

  it('answers a bad date with a page that says what is wrong, changing nothing', async () => {
    const exit = await startedExit();
    const page = `/admin/exits/${exit.id}`;

    const response = await signedIn.submit(page, `${page}/effective-date`, {
      effectiveOn: '2031-02-30',
    });

    expect(response.status).toBe(422);
    expect(await response.text()).toContain('must be a real calendar date');
    expect((await harness.stack.store.get(exit.id))?.effectiveOn).toBe(exit.effectiveOn);
  });
});

describe('erasing an exit', () => {
  it('leaves no personal data in a table scan and no pending schedule', async () => {
    const marker = 'ERASE-ME';
    const email = `ada.erasable.${Date.now()}@client.example`;
    const payload = exitRequested({
      reason: `Reason ${marker}`,
      handover: [`Handover ${marker}`],
      highlights: [`Highlight ${marker}`],
      externalId: `crm-${marker}`,
    });
    Object.assign((payload.data as { client: Record<string, string> }).client, {
      name: `Ada ${marker}`,
      email,
      company: `Engines ${marker}`,
    });
    const webhook = signWebhook(payload);
    const post = () =>
      fetch(`${harness.stack.appUrl}/webhooks/exits`, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.body,
      });
    const { exitId } = (await (await post()).json()) as { exitId: string };
    await waitFor(async () => {
      const exit = await harness.stack.store.get(exitId);
      return exit?.steps.notice?.state === 'sent' ? true : undefined;
    }, 8_000);
    const at = new Date().toISOString();
    await harness.stack.store.recordSurvey(exitId, {
      response: {
        answers: {
          reason: 'other',
          reasonDetail: `Detail ${marker}`,
          whatDidNot: `Did not ${marker}`,
          testimonial: `Testimonial ${marker}`,
          publishAs: 'name',
          score: 4,
        },
        answeredAt: at,
        revisedAt: at,
        revision: 1,
        consent: { scope: 'name', givenAt: at },
      },
      replaces: 0,
      entry: { at, event: 'survey.answered', detail: 'Score 4/10; reason: Something else.' },
    });
    const page = `/admin/exits/${exitId}`;

    const confirm = await signedIn.get(`${page}/erase`);
    const response = await signedIn.submit(`${page}/erase`, `${page}/erase`);
    const replay = await post();

    expect(confirm.status).toBe(200);
    expect(response.headers.get('location')).toBe(`${page}?done=erased`);
    expect(replay.status).toBe(202);
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: 'farewell-local' }));
    const table = JSON.stringify(Items);
    expect(table).toContain(exitId);
    expect(table).not.toContain(marker);
    expect(table).not.toContain(email);
    const key = harness.stack.secrets.FAREWELL_SUPPRESSION_KEY;
    expect(Items.find((item) => item.pk === `suppression#${emailHash(key, email)}`)).toMatchObject({
      reason: 'erased',
    });
    const erased = Items.find((item) => item.pk === `exit#${exitId}`);
    expect(erased).toMatchObject({ status: 'cancelled', survey: { answers: { score: 4 } } });
    const { Schedules = [] } = await new SchedulerClient({}).send(
      new ListSchedulesCommand({ NamePrefix: `fw-${exitId}` }),
    );
    expect(Schedules).toEqual([]);
    const html = await (await signedIn.get(page)).text();
    expect(html).toContain('Erased client');
    expect(html).not.toContain(marker);
  });
});

describe('while the SES account cannot send', () => {
  it('shows one banner with the reason and the fix on every page, gone once a waiting email goes out', async () => {
    const exit = await startedExit();
    // The gratitude was refused at account level, as send-step records it: a timeline note and
    // the sending-status item (the refusal itself is in send-step.test.ts: a local SES cannot
    // refuse at account level). Stamped with Farewell's own (virtual) clock.
    const at = exit.createdAt;
    const block = sendingBlocked('sandbox');
    const words = deferBlockedStep(exit, { id: 'gratitude' }, block, new Date(at));
    if (!words.entry) throw new Error('expected a timeline note');
    await harness.stack.store.addToTimeline(exit.id, words.entry);
    const status = new DynamoSendingStatus(
      DynamoDBDocumentClient.from(new DynamoDBClient({})),
      'farewell-local',
    );
    await status.blocked({ reason: block.reason, why: block.why, fix: block.fix, at });

    for (const page of ['/admin/exits', '/admin/insights', `/admin/exits/${exit.id}`]) {
      const html = await (await signedIn.get(page)).text();
      expect(html.match(/class="sending-blocked"/g)).toHaveLength(1);
      expect(html).toContain(
        'Sending is blocked:</strong> the SES account is still in the sandbox',
      );
      expect(html).toContain('<strong>Fix:</strong> request production access');
    }

    // The account can send again: the waiting email goes out (here sent now) and clears it.
    const page = `/admin/exits/${exit.id}`;
    await signedIn.submit(page, `${page}/send-now`, { step: 'gratitude' });
    await waitFor(async () => {
      const after = await harness.stack.store.get(exit.id);
      return after?.steps.gratitude?.state === 'sent' ? after : undefined;
    }, 8_000);

    const html = await (await signedIn.get('/admin/exits')).text();
    expect(html).not.toContain('sending-blocked');
    expect(await status.current()).toBeUndefined();
  });
});
