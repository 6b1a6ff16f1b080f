import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.js';
import { type SurveyedExit, startSurveyedExits } from '../support/surveyed-exits.js';
import { type StoredEmail, startTestStack, type TestStack } from '../support/test-stack.js';

/**
 * The operator digest on the local stack, with time travel: the Scheduler emulator fires each
 * day's digest schedule at its hour, the send-step handler sends it through aws-ses-v2-local.
 */

const OPERATOR = 'sam@northwind.example';
let harness: TestStack;
let exits: SurveyedExit[];

beforeAll(async () => {
  harness = await startTestStack({ FAREWELL_DIGEST_HOUR: '8' });
  exits = await startSurveyedExits(harness, 2);
}, 60_000);

afterAll(async () => {
  await harness?.stop();
});

async function digests(): Promise<StoredEmail[]> {
  return (await harness.emailsTo(OPERATOR)).filter((email) =>
    email.subject.startsWith('Your Farewell digest'),
  );
}

/** Answers a survey as the client would: open the link from the email, post the form. */
async function answer(exit: SurveyedExit, fields: Record<string, string>): Promise<void> {
  const link = [...exit.survey.body.html.matchAll(/href="([^"]+)"/g)]
    .map((m) => (m[1] ?? '').replaceAll('&amp;', '&'))
    .find((url) => /\/s\/[^?]+$/.test(url));
  if (!link) throw new Error('no survey link');
  const path = new URL(link).pathname;
  const opened = await fetch(`${harness.stack.appUrl}${path}`);
  const cookie = (opened.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const csrf = ConsoleClient.token(await opened.text(), path);
  const response = await fetch(`${harness.stack.appUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ ...fields, csrf }).toString(),
    redirect: 'manual',
  });
  expect(response.status).toBeLessThan(400);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('the operator digest with time travel', () => {
  it('lists a survey answered today once in the next digest, and one a day after over 30 days', async () => {
    const [first, second] = exits;
    if (!first || !second) throw new Error('two exits expected');
    expect(await digests()).toEqual([]);

    await answer(first, { score: '4', reason: 'communication', winBack: 'maybe' });
    await harness.travel(1);

    const [digest] = await digests();
    expect(await digests()).toHaveLength(1);
    const text = digest?.body.text ?? '';
    expect(count(text, `/admin/exits/${first.exitId}`)).toBe(2); // once per section it is in
    expect(text).toContain('Survey answers received');
    expect(text).toContain('Clients who might come back');
    expect(text).not.toContain(second.exitId);
    expect(digest?.body.html).toContain(`/admin/exits/${first.exitId}"`);

    // 30 more days: answers on day 10 and a revision on day 20, nothing on the other days.
    const contentDays = new Set([10, 20]);
    for (let day = 1; day <= 30; day += 1) {
      if (day === 10) await answer(second, { score: '9', reason: 'work-complete' });
      if (day === 20) await answer(first, { score: '6', reason: 'communication' });
      const before = (await digests()).length;
      await harness.travel(1);
      const after = await digests();
      expect(after.length - before, `day ${day}`).toBe(contentDays.has(day) ? 1 : 0);
      if (day === 10) {
        const latest = after.at(-1)?.body.text ?? '';
        expect(count(latest, `/admin/exits/${second.exitId}`)).toBe(1);
        expect(latest).not.toContain(first.exitId);
      }
      if (day === 20) {
        const latest = after.at(-1)?.body.text ?? '';
        expect(latest).toContain('revised answers');
        expect(latest).toContain(first.exitId);
        expect(latest).not.toContain(second.exitId);
      }
    }
    expect(await digests()).toHaveLength(3);
  }, 120_000);
});
