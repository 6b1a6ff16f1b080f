import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitIdFromEvent } from '../../functions/domain/ids.js';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import { freePort, waitFor } from '../support/ports.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

const dataDir = mkdtempSync(join(tmpdir(), 'farewell-stack-'));
let stack: LocalStack;

async function post(signed: { headers: Record<string, string>; body: string }): Promise<Response> {
  return fetch(`${stack.appUrl}/webhooks/exits`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
}

async function emailCount(address: string): Promise<number> {
  const response = await fetch(`${stack.sesUrl}/store`);
  const { emails } = (await response.json()) as { emails: { destination: { to: string[] } }[] };
  return emails.filter((email) => email.destination.to.includes(address)).length;
}

beforeAll(async () => {
  stack = await startLocalStack({
    port: await freePort(),
    sesPort: await freePort(),
    dataDir,
    env: { FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local stack, in process', () => {
  it('stores nothing for a webhook with a tampered signature', async () => {
    const signed = signWebhook(exitRequested());
    const tampered = { ...signed, body: signed.body.replace('"firm"', '"client"') };

    const response = await post(tampered);

    expect(response.status).toBe(401);
    expect(
      await stack.store.get(exitIdFromEvent('webhook', signed.headers['webhook-id'] ?? '')),
    ).toBeUndefined();
  });

  it('stores the exit with all five steps planned, the notice sent', async () => {
    const payload = exitRequested();
    const response = await post(signWebhook(payload));
    const { exitId } = (await response.json()) as { exitId: string };

    const exit = await waitFor(async () => {
      const stored = await stack.store.get(exitId);
      return stored?.steps.notice?.state === 'sent' ? stored : undefined;
    }, 5_000);

    expect(Object.keys(exit?.steps ?? {}).sort()).toEqual(
      ['check-in-1', 'gratitude', 'notice', 'survey', 'survey-reminder'].sort(),
    );
    expect(exit?.steps.gratitude?.state).toBe('scheduled');
    expect(exit?.client.timezone).toBe('America/New_York');
  });

  it('starts one exit and sends one notice when the same webhook arrives five times at once', async () => {
    const payload = exitRequested();
    const email = (payload.data as { client: { email: string } }).client.email;
    const signed = signWebhook(payload);

    const responses = await Promise.all(Array.from({ length: 5 }, () => post(signed)));
    const ids = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { exitId: string }).exitId),
    );
    await waitFor(async () => ((await emailCount(email)) > 0 ? true : undefined), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(ids).size).toBe(1);
    expect(await emailCount(email)).toBe(1);
  });
});
