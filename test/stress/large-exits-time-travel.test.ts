import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import { type FaultProxy, isSendEmail, sesError, startFaultProxy } from '../support/fault-proxy.js';
import { freePort } from '../support/ports.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

/**
 * Issue 18 item 6: large exits (about 55 KB each, as a CRM with long handover lists sends them)
 * through 60 and then 300 days of local time travel (the second request sent while the first
 * still runs), while some sends fail once and are retried the way Lambda retries an asynchronous
 * invocation. Before the fix, a retry waited a minute of real time while the travel moved the
 * clock months on: the step was sent months late (by the reconciler at the end of the jump); a
 * retry still in flight when the clock jumped had its lease expire at once, so a second sender
 * could take the step over and send it again; and the second request moved the clock while the
 * first was still sending, ending 60 days short.
 */
const EXITS = 100;
/** An invocation fails when SES refuses all three of the SDK's attempts. */
const SDK_ATTEMPTS = 3;
const FAILED_INVOCATIONS = 8;
const DAY_MS = 86_400_000;

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'farewell-large-exits-'));
let stack: LocalStack;
let proxy: FaultProxy;

beforeAll(async () => {
  const sesPort = await freePort();
  // The proxy connects only when a request comes, so it can start before the inbox it fronts.
  proxy = await startFaultProxy(`http://127.0.0.1:${sesPort}`, { keep: () => false });
  stack = await startLocalStack({
    port: await freePort(),
    sesPort,
    dataDir,
    sesEndpoint: proxy.endpoint,
    env: { FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** 50 handover items and 50 highlights of nearly 500 characters: an item of about 55 KB. */
function largeExit(index: number): Record<string, unknown> {
  const line = (label: string, n: number) => `${label} ${index}.${n} `.padEnd(490, 'x');
  return exitRequested({
    handover: Array.from({ length: 50 }, (_, n) => line('Handover item', n)),
    highlights: Array.from({ length: 50 }, (_, n) => line('Highlight', n)),
    externalId: `crm-large-${index}`,
  });
}

/** Moves the virtual clock; answers the virtual time after the travel. */
async function travel(days: number): Promise<number> {
  const response = await fetch(`${stack.appUrl}/__local/time-travel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ days }),
  });
  expect(response.status).toBe(200);
  return Date.parse(((await response.json()) as { now: string }).now);
}

describe('large exits over 60 + 300 days of local time travel', () => {
  it('sends every due step once, on time, with one timeline entry, when sends fail and are retried', async () => {
    const exitIds: string[] = [];
    for (let i = 0; i < EXITS; i += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const signed = signWebhook(largeExit(i + j));
          const response = await fetch(`${stack.appUrl}/webhooks/exits`, {
            method: 'POST',
            headers: signed.headers,
            body: signed.body,
          });
          expect(response.status).toBe(202);
          return ((await response.json()) as { exitId: string }).exitId;
        }),
      );
      exitIds.push(...answers);
    }
    const first = await stack.store.get(exitIds[0] ?? '');
    expect(JSON.stringify(first).length).toBeGreaterThan(50_000);
    // The notices go out first, in real time; then some later sends fail once.
    const before = await travel(0);
    proxy.inject({
      label: 'SES unavailable',
      matches: isSendEmail,
      fails: (index) => index % 37 < SDK_ATTEMPTS,
      limit: FAILED_INVOCATIONS * SDK_ATTEMPTS,
      answer: sesError(503, 'ServiceUnavailableException', 'Service unavailable'),
    });

    // The 300 days are asked for while the 60 still run, as a second click or a retrying script does.
    const [, now] = await Promise.all([
      travel(60),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => travel(300)),
    ]);

    expect(proxy.injected()).toEqual({ 'SES unavailable': FAILED_INVOCATIONS * SDK_ATTEMPTS });
    const exits = (await Promise.all(exitIds.map((id) => stack.store.get(id)))) as Exit[];
    const late: string[] = [];
    const unsent: string[] = [];
    const timelines: string[] = [];
    let sentSteps = 0;
    for (const exit of exits) {
      const sentEntries = new Map<string, number>();
      for (const entry of exit.timeline) {
        if (entry.event === 'step.sent' && entry.stepId)
          sentEntries.set(entry.stepId, (sentEntries.get(entry.stepId) ?? 0) + 1);
      }
      for (const step of Object.values(exit.steps)) {
        const entries = sentEntries.get(step.id) ?? 0;
        if (step.state === 'sent') {
          sentSteps += 1;
          const lateBy = Date.parse(step.sentAt ?? '') - Date.parse(step.dueAt);
          if (lateBy > DAY_MS) late.push(`${step.kind} ${Math.round(lateBy / DAY_MS)} days late`);
          if (entries !== 1) timelines.push(`${step.kind}: ${entries} step.sent entries`);
        } else if (Date.parse(step.dueAt) < now - DAY_MS) {
          unsent.push(`${step.kind} ${step.state} (attempt ${step.attempts})`);
        }
      }
    }
    const response = await fetch(`${stack.sesUrl}/store`);
    const { emails } = (await response.json()) as { emails: StoredEmail[] };
    const copies = new Map<string, number>();
    for (const email of emails) {
      const key = `${email.destination.to.join(',')} ${email.subject}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    const duplicates = [...copies.values()].filter((count) => count > 1).length;

    expect({
      days: Math.floor((now - before) / DAY_MS),
      late,
      unsent,
      timelines,
      duplicates,
    }).toEqual({
      days: 360,
      late: [],
      unsent: [],
      timelines: [],
      duplicates: 0,
    });
    expect(emails).toHaveLength(sentSteps);
  });
});
