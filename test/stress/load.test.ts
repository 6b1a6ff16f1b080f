import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { exitIdFromEvent } from '../../functions/domain/ids.js';
import { startForFile } from '../support/start-for-file.js';
import { startTestStack } from '../support/test-stack.js';
import { signWebhook } from '../support/webhooks.js';
import { emailsPerRecipient, report } from './support/audit.js';
import { batchId, exitRequestedEvent, recipient } from './support/exits.js';

const EXITS = 2_000;
const CONCURRENCY = 32;
const REPLAYED = 200;

const test = startForFile(startTestStack);

interface Posted {
  status: number;
  exitId?: string;
  ms: number;
}

async function post(index: number, batch: string): Promise<Posted> {
  const signed = signWebhook(exitRequestedEvent(batch, index), { id: `msg_${batch}_${index}` });
  const started = performance.now();
  const response = await fetch(`${test.stack.appUrl}/webhooks/exits`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  const body = (await response.json()) as { exitId?: string };
  return {
    status: response.status,
    ...(body.exitId ? { exitId: body.exitId } : {}),
    ms: performance.now() - started,
  };
}

/** Posts the webhooks of `indexes`, `concurrency` in flight at once. */
async function postAll(indexes: number[], batch: string, concurrency: number): Promise<Posted[]> {
  const results: Posted[] = new Array(indexes.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < indexes.length; i = next++) {
      results[i] = await post(indexes[i] ?? 0, batch);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/**
 * Fires everything due (each exit's notice is due two seconds after it started) and answers when
 * it is sent. With thousands of notices that takes minutes, longer than fetch's five-minute wait
 * for headers, hence plain `node:http`, which has no such limit.
 */
function sendDueNotices(): Promise<void> {
  const body = JSON.stringify({ days: 0.001 });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${test.stack.appUrl}/__local/time-travel`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.once('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`time travel answered ${response.statusCode}`)),
        );
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

async function storedExits(): Promise<Map<string, string | undefined>> {
  const notices = new Map<string, string | undefined>();
  for (const status of ['active', 'paused', 'cancelled', 'completed'] as const) {
    let cursor: string | undefined;
    do {
      const page = await test.stack.store.listByStatus(status, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const exit of page.exits) notices.set(exit.id, exit.steps.notice?.state);
      cursor = page.cursor;
    } while (cursor);
  }
  return notices;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('load', () => {
  // The Scheduler emulator's cost per fired schedule grows with the schedules it holds (see the
  // issue note), so 2,000 exits take minutes here.
  it(`starts ${EXITS} exits from webhooks at concurrency ${CONCURRENCY}: none lost, none twice`, {
    timeout: 12 * 60_000,
  }, async () => {
    const batch = batchId();
    const indexes = Array.from({ length: EXITS }, (_, index) => index);

    const started = performance.now();
    const posted = await postAll(indexes, batch, CONCURRENCY);
    const accepted = performance.now();
    await sendDueNotices();
    const sent = performance.now();

    const replayed = await postAll(indexes.slice(0, REPLAYED), batch, REPLAYED);
    await sendDueNotices();

    const exits = await storedExits();
    const perRecipient = await emailsPerRecipient(test.stack.sesUrl);
    const ingestSeconds = (accepted - started) / 1000;
    const totalSeconds = (sent - started) / 1000;
    const latencies = posted.map((result) => result.ms);
    report({
      scenario: 'load',
      faults: {},
      exits: exits.size,
      steps: exits.size,
      byState: { 'notice sent': [...exits.values()].filter((state) => state === 'sent').length },
      emails: [...perRecipient.values()].reduce((sum, count) => sum + count, 0),
      duplicates: [...perRecipient.values()].filter((count) => count > 1).length,
      leaseWindowDuplicates: 0,
      lost: EXITS - exits.size,
      functionErrors: 0,
      functionErrorCauses: {},
      deadLettered: 0,
      reconcilerRepairs: 0,
      seconds: totalSeconds,
      notes: [
        `${EXITS} webhooks at concurrency ${CONCURRENCY} accepted in ${ingestSeconds.toFixed(1)} s (${(EXITS / ingestSeconds).toFixed(1)}/s; latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${percentile(latencies, 100).toFixed(0)} ms)`,
        `every notice sent ${totalSeconds.toFixed(1)} s after the first webhook (${(EXITS / totalSeconds).toFixed(1)} exits/s end to end)`,
        `${REPLAYED} webhooks re-posted at once with their ids: ${replayed.filter((r) => r.status === 202).length} answered 202 with the same exit id`,
      ].join('\n  '),
    });

    const expectedIds = indexes.map((index) => exitIdFromEvent('webhook', `msg_${batch}_${index}`));
    expect(posted.map((result) => result.status)).toEqual(indexes.map(() => 202));
    expect(posted.map((result) => result.exitId)).toEqual(expectedIds);
    expect(replayed.map((result) => result.exitId)).toEqual(expectedIds.slice(0, REPLAYED));
    expect(exits.size).toBe(EXITS);
    expect(expectedIds.every((id) => exits.get(id) === 'sent')).toBe(true);
    expect(perRecipient.size).toBe(EXITS);
    expect(indexes.every((index) => perRecipient.get(recipient(batch, index)) === 1)).toBe(true);
  });
});
