import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitIdFromEvent } from '../../functions/domain/ids.js';
import type { LocalStack } from '../../infra/local/local-stack.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { startTestStack } from '../support/test-stack.js';
import { exitRequested, signWebhook } from '../support/webhooks.js';

const test = startForFile(startTestStack);
let stack: LocalStack;

async function post(signed: { headers: Record<string, string>; body: string }): Promise<Response> {
  return fetch(`${stack.appUrl}/webhooks/exits`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
}

async function emailCount(address: string): Promise<number> {
  return (await test.emailsTo(address)).length;
}

/** A raw request, so a test can send any Host and Origin (fetch sets its own Host). */
function raw(
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const url = new URL(path, stack.appUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: init.method, headers: init.headers ?? {} },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

beforeAll(async () => {
  stack = test.stack;
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

  it('refuses time travel sent as a simple text/plain request (a cross-site form can send one)', async () => {
    const response = await raw('/__local/time-travel', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"days": 0}',
    });

    expect(response.status).toBe(415);
  });

  it('refuses time travel from a foreign Origin or Host', async () => {
    const headers = { 'content-type': 'application/json' };
    const foreignOrigin = await raw('/__local/time-travel', {
      method: 'POST',
      headers: { ...headers, origin: 'https://attacker.example' },
      body: '{"days": 0}',
    });
    const foreignHost = await raw('/__local/time-travel', {
      method: 'POST',
      headers: { ...headers, host: 'attacker.example' },
      body: '{"days": 0}',
    });

    expect(foreignOrigin.status).toBe(403);
    expect(foreignHost.status).toBe(403);
  });

  it('travels for the README example: JSON from curl, or from the page itself', async () => {
    const curl = await raw('/__local/time-travel', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"days": 0}',
    });
    const sameOrigin = await raw('/__local/time-travel', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', origin: stack.appUrl },
      body: '{"days": 0}',
    });

    expect(curl.status).toBe(200);
    expect(sameOrigin.status).toBe(200);
  });
});
