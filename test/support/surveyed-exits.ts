import type { Exit } from '../../functions/domain/exit.js';
import { waitFor } from './ports.js';
import type { StoredEmail, TestStack } from './test-stack.js';
import { exitRequested } from './webhooks.js';

/** The exit as stored; throws when it is gone. */
export async function storedExit(harness: TestStack, exitId: string): Promise<Exit> {
  const exit = await harness.stack.store.get(exitId);
  if (!exit) throw new Error(`exit ${exitId} missing`);
  return exit;
}

export interface SurveyedExit {
  exitId: string;
  email: string;
  /** The survey invitation, as delivered. */
  survey: StoredEmail & { body: { html: string } };
}

/**
 * Starts `count` exits through the signed webhook, effective in 5 days, each once its notice is
 * out, then travels 12 days so their survey invitations are in the inbox.
 */
export async function startSurveyedExits(
  harness: TestStack,
  count: number,
): Promise<SurveyedExit[]> {
  const now = await harness.travel(0);
  const started: { exitId: string; email: string }[] = [];
  for (let n = 0; n < count; n += 1) {
    const payload = exitRequested({ effectiveOn: now.plus({ days: 5 }).toISODate() });
    const email = (payload.data as { client: { email: string } }).client.email;
    const { exitId } = (await (await harness.webhook(payload)).json()) as { exitId: string };
    await waitFor(
      async () =>
        (await storedExit(harness, exitId)).steps.notice?.state === 'sent' ? true : undefined,
      5_000,
    );
    started.push({ exitId, email });
  }
  await harness.travel(12);
  return Promise.all(
    started.map(async ({ exitId, email }) => {
      const survey = (await harness.emailsTo(email)).find((e) =>
        e.subject.includes('How did we do'),
      );
      const html = survey?.body.html;
      if (!survey || !html) throw new Error('no survey email');
      return { exitId, email, survey: { ...survey, body: { ...survey.body, html } } };
    }),
  );
}
