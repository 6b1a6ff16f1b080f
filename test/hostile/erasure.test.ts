import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { emailHash } from '../../functions/domain/ids.js';
import { ConsoleClient } from '../support/console-client.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { exitRequested } from '../support/webhooks.js';

/**
 * Erasure leaves nothing personal anywhere, after an exit has been through everything that
 * writes about its client: the webhook's every field, the survey answered and revised (free
 * text, testimonial, consent), the operator's notice, pause, come back and one-click unsubscribe,
 * SES delivery and bounce events. Checked on a full scan of the table and of both indexes, with
 * case and Unicode folding, on the suppression list, and on the Scheduler emulator.
 * (`test/e2e/console-http.test.ts` covers the console's side: the erase form and the page after.)
 */

/** Every personal value carries this, so one search finds any of them in any form. */
const TAG = `q${Math.random().toString(36).slice(2, 10)}z`;
const CLIENT = {
  name: `Ada Erasable ${TAG}`,
  // Mixed case: the search text keeps it lower-cased, and both must go.
  email: `Ada.Erasable.${TAG}@Client.Example`,
  company: `Analytical ${TAG} Engines`,
  timezone: 'Europe/London',
  country: 'GB',
};
const FIELDS = {
  reason: `Reason ${TAG}`,
  handover: [`Handover ${TAG} one`, `Handover ${TAG} two`],
  highlights: [`Highlight ${TAG}`],
  externalId: `crm-${TAG}`,
};
const ANSWERS = {
  reason: 'other',
  reasonDetail: `Detail ${TAG}`,
  whatWorked: `Worked ${TAG}`,
  whatDidNot: `Did not ${TAG}`,
  improve: `Improve ${TAG}`,
  score: '3',
  winBack: 'yes',
  testimonial: `Testimonial ${TAG}`,
  publishAs: 'name',
};

const stack = startForFile(startHostileStack);
let exitId: string;
let appUrl: string;
/** Signed in before time travels: a sign-in after one gets a dead cookie (hostile #8). */
let operator: ConsoleClient;
/** The client's links from the survey email, tried again after the erase. */
let surveyPath: string;
let unsubscribePath: string;
let handoverPath: string;

const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** Every item of the table, or of one of its indexes, every page of it. */
async function scanAll(indexName?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new ScanCommand({
        TableName: stack.config.FAREWELL_TABLE_NAME,
        ...(indexName ? { IndexName: indexName } : { ConsistentRead: true }),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Whether any form of the tag (as typed, lower-cased, NFKC-folded, JSON-escaped) is in `text`. */
function holdsPersonalData(text: string): boolean {
  const folded = text.normalize('NFKC').toLowerCase();
  return folded.includes(TAG) || folded.includes(CLIENT.email.toLowerCase());
}

/** A client page form, posted as the browser that opened it. */
async function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  const page = await fetch(`${appUrl}${path}`);
  const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  return fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({
      ...fields,
      csrf: ConsoleClient.token(await page.text(), path),
    }).toString(),
  });
}

beforeAll(async () => {
  appUrl = stack.harness.stack.appUrl;
  operator = new ConsoleClient(appUrl);
  await operator.signIn(stack.operator.email, stack.operator.password);
  const now = await stack.harness.travel(0);
  const payload = exitRequested({ ...FIELDS, effectiveOn: now.plus({ days: 5 }).toISODate() });
  Object.assign((payload.data as { client: Record<string, string> }).client, CLIENT);
  const response = await stack.harness.webhook(payload);
  ({ exitId } = (await response.json()) as { exitId: string });
  await stack.harness.travel(12);
  const survey = await waitFor(async () => {
    // Sent to the address as stored: the domain in its (lower-case) ASCII form.
    const emails = await stack.harness.emailsTo(
      CLIENT.email.replace('@Client.Example', '@client.example'),
    );
    return emails.find((email) => email.subject.startsWith('How did we do'));
  }, 8_000);
  const text = survey?.body.text ?? '';
  surveyPath = /\/s\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? '';
  unsubscribePath = /\/u\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? '';
  const sent = await stack.harness.emailsTo(
    CLIENT.email.replace('@Client.Example', '@client.example'),
  );
  const withHandover = sent
    .map((email) => email.body.text ?? '')
    .find((body) => body.includes('/h/'));
  handoverPath = /\/h\/[A-Za-z0-9_.-]+/.exec(withHandover ?? '')?.[0] ?? '';
  expect((await postForm(handoverPath, { item: 'h1' })).status).toBe(200);

  expect((await postForm(surveyPath, ANSWERS)).status).toBe(200);
  const revised = {
    ...ANSWERS,
    improve: `Revised ${TAG}`,
    testimonial: `Revised testimonial ${TAG}`,
  };
  expect((await postForm(surveyPath, revised)).status).toBe(200);
  const oneClick = () =>
    fetch(`${appUrl}${unsubscribePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
  expect((await postForm(unsubscribePath, { action: 'pause' })).status).toBe(200);
  expect((await oneClick()).status).toBe(200);
  expect((await postForm(unsubscribePath, { action: 'resubscribe' })).status).toBe(200);
  expect((await oneClick()).status).toBe(200);
  const exit = await stack.harness.stack.store.get(exitId);
  const notice = exit?.steps.notice;
  for (const eventType of ['Delivery', 'Bounce'] as const) {
    await createSesEvent(eventType, notice?.messageId ?? '');
  }
}, 60_000);

/** What SES would report about the notice, through the ses-events handler. */
async function createSesEvent(eventType: 'Delivery' | 'Bounce', messageId: string) {
  const { createSesEventsHandler } = await import('../../functions/handlers/ses-events.js');
  const at = new Date().toISOString();
  await createSesEventsHandler(stack.deps.sesEvents)({
    source: 'aws.ses',
    detail: {
      eventType,
      mail: { messageId, tags: { exit: [exitId], step: ['notice'] } },
      ...(eventType === 'Delivery'
        ? { delivery: { timestamp: at } }
        : {
            bounce: {
              bounceType: 'Transient',
              bounceSubType: 'MailboxFull',
              bouncedRecipients: [{ emailAddress: CLIENT.email }],
              timestamp: at,
            },
          }),
    },
  });
}

describe('erasing an exit that went through everything', () => {
  it('had personal data in the table, in the indexes and in the timeline before', async () => {
    const items = await scanAll();
    const item = items.find((candidate) => candidate.pk === `exit#${exitId}`) ?? {};

    expect(holdsPersonalData(JSON.stringify(item))).toBe(true);
    expect(item.searchText).toContain(CLIENT.email.toLowerCase());
    expect(item.gsi2pk).toBe(`external#${FIELDS.externalId}`);
    expect(JSON.stringify(item)).toContain(`Revised testimonial ${TAG}`);
    expect(holdsPersonalData(JSON.stringify(await scanAll('byStatus')))).toBe(true);
    expect(holdsPersonalData(JSON.stringify(await scanAll('byExternalId')))).toBe(true);
    const events = (item.timeline as { event: string }[]).map((entry) => entry.event);
    expect(events).toEqual(
      expect.arrayContaining([
        'survey.answered',
        'survey.revised',
        'operator.notified',
        'client.paused-emails',
        'client.resubscribed',
        'client.unsubscribed',
        'step.delivered',
        'step.bounced',
      ]),
    );
  });

  it('leaves none of it in any item, attribute or index after the erase', async () => {
    const page = `/admin/exits/${exitId}`;

    const confirm = await operator.get(`${page}/erase`);

    const response = await operator.post(`${page}/erase`, {
      csrf: ConsoleClient.token(await confirm.text(), `${page}/erase`),
    });

    expect(response.headers.get('location')).toBe(`${page}?done=erased`);
    const items = await scanAll();
    const leaks = items.filter((item) => holdsPersonalData(JSON.stringify(item)));
    expect(leaks).toEqual([]);
    expect(holdsPersonalData(JSON.stringify(await scanAll('byStatus')))).toBe(false);
    expect(holdsPersonalData(JSON.stringify(await scanAll('byExternalId')))).toBe(false);
    const item = items.find((candidate) => candidate.pk === `exit#${exitId}`) ?? {};
    expect(item).toMatchObject({
      client: { name: 'Erased client', email: '' },
      handover: [],
      highlights: [],
    });
    expect(item).not.toHaveProperty('searchText');
    expect(item).not.toHaveProperty('gsi2pk');
    expect(item).not.toHaveProperty('externalId');
    expect(item).not.toHaveProperty('reason');
    expect(item.survey).toEqual({
      answers: { reason: 'other', score: 3, winBack: 'yes' },
      answeredAt: expect.any(String),
      revisedAt: expect.any(String),
      revision: 2,
    });
  });

  it('keeps the address on the suppression list as its keyed hash only', async () => {
    const items = await scanAll();
    const suppressions = items.filter((item) => String(item.pk).startsWith('suppression#'));
    const hash = emailHash(stack.config.FAREWELL_SUPPRESSION_KEY, CLIENT.email);

    expect(suppressions.find((item) => item.pk === `suppression#${hash}`)).toEqual({
      pk: `suppression#${hash}`,
      sk: 'suppression',
      reason: 'erased',
      suppressedAt: expect.any(String),
    });
    expect(suppressions.filter((item) => holdsPersonalData(JSON.stringify(item)))).toEqual([]);
  });

  it('leaves no pending schedule for the exit, and no personal data in the Scheduler', async () => {
    const scheduler = new SchedulerClient({});
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await scheduler.send(new ListSchedulesCommand({ NextToken: token }));
      names.push(...(page.Schedules ?? []).map((schedule) => schedule.Name ?? ''));
      token = page.NextToken;
    } while (token);
    const stored = readFileSync(join(stack.harness.stack.dataDir, 'schedules.json'), 'utf8');

    expect(names.filter((name) => name.includes(exitId))).toEqual([]);
    expect(holdsPersonalData(stored)).toBe(false);
  });

  it('finds the exit by nothing that identified the client', async () => {
    const pages = await Promise.all(
      ['active', 'paused', 'cancelled', 'completed'].map(async (status) =>
        (await operator.get(`/admin/exits?status=${status}&q=${TAG}`)).text(),
      ),
    );
    const byExternalId = await stack.harness.webhook({
      type: 'exit.paused',
      data: { externalId: FIELDS.externalId },
    });

    for (const html of pages) expect(html).not.toContain(exitId);
    expect(byExternalId.status).toBe(404);
    expect(holdsPersonalData(await (await operator.get(`/admin/exits/${exitId}`)).text())).toBe(
      false,
    );
  });

  it('answers 410 on every client link afterwards and writes nothing onto the exit', async () => {
    const before = await stack.harness.stack.store.get(exitId);
    const operatorEmails = (
      await stack.harness.emailsTo(stack.config.FAREWELL_OPERATOR_EMAIL ?? '')
    ).length;
    const oneClick = await fetch(`${appUrl}${unsubscribePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    // The 410 page has no form to take a CSRF token from; a forged one must not get further.
    const post = (path: string, fields: Record<string, string>) =>
      fetch(`${appUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, csrf: 'x' }).toString(),
      });
    const answers = { ...ANSWERS, testimonial: `After erase ${TAG}`, improve: `After ${TAG}` };
    const responses = [
      await fetch(`${appUrl}${surveyPath}`),
      await post(surveyPath, answers),
      await fetch(`${appUrl}${unsubscribePath}`),
      await post(unsubscribePath, { action: 'pause' }),
      await post(unsubscribePath, { action: 'resubscribe' }),
      await post(unsubscribePath, { action: 'stop' }),
      await fetch(`${appUrl}${handoverPath}`),
      await post(handoverPath, { item: 'all' }),
      oneClick,
    ];

    for (const response of responses) {
      expect(response.status).toBe(410);
      const html = await response.text();
      expect(html).not.toContain('<form');
      expect(holdsPersonalData(html)).toBe(false);
    }
    const after = await stack.harness.stack.store.get(exitId);
    expect(after?.survey).toEqual(before?.survey);
    expect(after?.status).toBe(before?.status);
    expect(after?.steps).toEqual(before?.steps);
    expect(holdsPersonalData(JSON.stringify(await scanAll()))).toBe(false);
    expect((await stack.harness.emailsTo(stack.config.FAREWELL_OPERATOR_EMAIL ?? '')).length).toBe(
      operatorEmails,
    );
  });
});
