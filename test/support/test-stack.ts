import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { ScryptParams } from '../../functions/domain/passwords.js';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import { freePort } from './ports.js';
import { signWebhook, TEST_WEBHOOK_SECRET } from './webhooks.js';

export interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

/** The local stack in this process, on free loopback ports, with helpers tests keep needing. */
export interface TestStack {
  stack: LocalStack;
  /** Posts a signed webhook. */
  webhook(payload: unknown): Promise<Response>;
  /** Every email in the SES store to that address, oldest first. */
  emailsTo(address: string): Promise<StoredEmail[]>;
  /** Moves the virtual clock and fires what falls due; answers the virtual time after it. */
  travel(days: number): Promise<DateTime>;
  stop(): Promise<void>;
}

/** Scrypt parameters cheap enough for tests that sign in many times; the format is the same. */
export const CHEAP_PASSWORDS: ScryptParams = { ln: 10, r: 8, p: 1 };

export async function startTestStack(
  env: Record<string, string> = {},
  options: { passwordParams?: ScryptParams } = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'farewell-test-'));
  const stack = await startLocalStack({
    port: await freePort(),
    sesPort: await freePort(),
    dataDir,
    env: { FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    ...(options.passwordParams ? { passwordParams: options.passwordParams } : {}),
  });
  return {
    stack,
    async webhook(payload) {
      const signed = signWebhook(payload);
      return fetch(`${stack.appUrl}/webhooks/exits`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
    },
    async emailsTo(address) {
      const response = await fetch(`${stack.sesUrl}/store`);
      const { emails } = (await response.json()) as { emails: StoredEmail[] };
      return emails.filter((email) => email.destination.to.includes(address));
    },
    async travel(days) {
      const response = await fetch(`${stack.appUrl}/__local/time-travel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ days }),
      });
      if (response.status !== 200) throw new Error(`time travel answered ${response.status}`);
      const { now } = (await response.json()) as { now: string };
      return DateTime.fromISO(now, { zone: 'utc' });
    },
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
