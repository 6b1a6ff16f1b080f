import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningFarewell, startFarewell } from '../support/npm-start.js';
import { freePort, waitFor } from '../support/ports.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

const dataDir = mkdtempSync(join(tmpdir(), 'farewell-e2e-'));
let appPort: number;
let sesPort: number;
let app: RunningFarewell;
let appUrl: string;
let sesUrl: string;

/** `npm start` on this test's ports and data folder. */
const start = () =>
  startFarewell({
    PORT: String(appPort),
    FAREWELL_SES_PORT: String(sesPort),
    FAREWELL_DATA_DIR: dataDir,
    FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
  });

async function emailsTo(address: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesUrl}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.includes(address));
}

async function post(signed: { headers: Record<string, string>; body: string }): Promise<Response> {
  return fetch(`${appUrl}/webhooks/exits`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
}

function clientEmail(payload: Record<string, unknown>): string {
  return (payload.data as { client: { email: string } }).client.email;
}

beforeAll(async () => {
  [appPort, sesPort] = await Promise.all([freePort(), freePort()]);
  appUrl = `http://127.0.0.1:${appPort}`;
  sesUrl = `http://127.0.0.1:${sesPort}`;
  app = await start();
}, 30_000);

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start, end to end', () => {
  it('prints the app and inbox URLs', () => {
    expect(app.output()).toContain(appUrl);
    expect(app.output()).toContain(sesUrl);
  });

  it('prints the first operator with a generated password to sign in with', () => {
    expect(app.output()).toMatch(
      /Operator sign-in \(password generated[^\n]*\n\s+email\s+\S+@\S+\n\s+password\s+[\w-]{20}\n/,
    );
  });

  it('answers the health check', async () => {
    const response = await fetch(`${appUrl}/healthz`);

    expect(response.status).toBe(200);
  });

  it('turns a signed exit.requested webhook into a notice in the inbox within 5 s', async () => {
    const payload = exitRequested();
    const started = Date.now();

    const response = await post(signWebhook(payload));
    const emails = await waitFor(async () => {
      const found = await emailsTo(clientEmail(payload));
      return found.length > 0 ? found : undefined;
    }, 5_000);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ exitId: expect.stringMatching(/^x[0-9a-f]{24}$/) });
    expect(emails).toHaveLength(1);
    expect(emails?.[0]?.body.text).toContain('Dear Grace,');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers a replayed webhook with the same exit id and sends no second notice', async () => {
    const payload = exitRequested();
    const signed = signWebhook(payload);
    const first = (await (await post(signed)).json()) as { exitId: string };
    await waitFor(
      async () => ((await emailsTo(clientEmail(payload))).length > 0 ? true : undefined),
      5_000,
    );

    const replay = await post(signed);
    const replayed = (await replay.json()) as { exitId: string };
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(replay.status).toBe(202);
    expect(replayed.exitId).toBe(first.exitId);
    expect(await emailsTo(clientEmail(payload))).toHaveLength(1);
  });

  it('rejects a tampered signature with 401 and sends nothing', async () => {
    const payload = exitRequested();
    const signed = signWebhook(payload);
    const tampered = { ...signed, body: signed.body.replace('Grace Hopper', 'Mallory') };

    const response = await post(tampered);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await emailsTo(clientEmail(payload))).toHaveLength(0);
  });

  it('answers 422 naming every field of the wrong type', async () => {
    const payload = exitRequested({ initiatedBy: 'nobody', effectiveOn: 12, client: { name: 7 } });

    const response = await post(signWebhook(payload));
    const body = (await response.json()) as { status: number; errors: { field: string }[] };

    expect(response.status).toBe(422);
    expect(body.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining([
        'data.initiatedBy',
        'data.effectiveOn',
        'data.client.name',
        'data.client.email',
      ]),
    );
  });

  it('answers 415 for a body that is not JSON', async () => {
    const signed = signWebhook('client=grace');
    const response = await post({
      ...signed,
      headers: { ...signed.headers, 'content-type': 'text/plain' },
    });

    expect(response.status).toBe(415);
  });

  it('answers 413 for a body over 64 KB', async () => {
    const payload = exitRequested({ reason: 'x'.repeat(70 * 1024) });

    const response = await post(signWebhook(payload));

    expect(response.status).toBe(413);
  });

  it('sends gratitude, survey and reminder when time travels past them', async () => {
    const payload = exitRequested({ effectiveOn: undefined, relationshipStartedOn: '2026-10-01' });
    await post(signWebhook(payload));
    await waitFor(
      async () => ((await emailsTo(clientEmail(payload))).length > 0 ? true : undefined),
      5_000,
    );

    const travel = await fetch(`${appUrl}/__local/time-travel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 40 }),
    });

    expect(travel.status).toBe(200);
    const subjects = (await emailsTo(clientEmail(payload))).map((email) => email.subject);
    expect(subjects).toHaveLength(4);
    expect(subjects[1]).toMatch(/^Thank you/);
  });

  it('writes no client email address to its output', () => {
    expect(app.output()).not.toMatch(/@client\.example/);
  });

  it('keeps its data across a restart', async () => {
    const payload = exitRequested();
    const signed = signWebhook(payload);
    const before = (await (await post(signed)).json()) as { exitId: string };
    await waitFor(
      async () => ((await emailsTo(clientEmail(payload))).length > 0 ? true : undefined),
      5_000,
    );

    await app.stop();
    app = await start();
    const after = (await (await post(signed)).json()) as { exitId: string };

    expect(after.exitId).toBe(before.exitId);
    expect((await fetch(`${appUrl}/healthz`)).status).toBe(200);
  });
});
