import { randomUUID } from 'node:crypto';
import { exitIdFromEvent } from '../../../functions/domain/ids.js';
import { WHOLE_SEQUENCE_DAYS } from './stress-rules.js';
import type { StressStack } from './stress-stack.js';

const ZONES = [
  { timezone: 'Europe/London', country: 'GB', locale: 'en-GB' },
  { timezone: 'America/New_York', country: 'US', locale: 'en-US' },
  { timezone: 'Europe/Paris', country: 'FR', locale: 'fr-FR' },
  { timezone: 'Asia/Tokyo', country: 'JP', locale: 'ja-JP' },
  { timezone: 'Australia/Sydney', country: 'AU', locale: 'en-AU' },
] as const;

/** A distinct batch: addresses never collide across scenarios sharing an SES store. */
export function batchId(): string {
  return randomUUID().slice(0, 8);
}

/** The recipient of exit `index` of a batch. */
export function recipient(batch: string, index: number): string {
  return `client-${batch}-${index}@client.example`;
}

/** A valid `exit.requested` event; zones, countries and initiators vary with the index. */
export function exitRequestedEvent(batch: string, index: number): Record<string, unknown> {
  const zone = ZONES[index % ZONES.length] ?? ZONES[0];
  return {
    type: 'exit.requested',
    data: {
      client: {
        name: `Client ${index}`,
        email: recipient(batch, index),
        company: `Company ${index}`,
        ...zone,
      },
      initiatedBy: index % 3 === 0 ? 'client' : 'firm',
      reason: 'The engagement has run its course.',
      handover: ['Source code', 'Runbooks'],
      highlights: ['Shipped the new platform'],
      externalId: `crm-${batch}-${index}`,
    },
  };
}

export interface StartOptions {
  /** Webhooks in flight at once. */
  concurrency?: number;
  /** Deliveries the sender tries for exit `index` before it gives up (6 by default). */
  attempts?: (index: number) => number;
}

/**
 * Starts `count` exits through signed webhooks. A 5xx is retried with the same webhook id, as a
 * Standard Webhooks sender does; an exit whose sender gave up still counts, under the id its
 * event derives (it was stored before the failure, or it is reported lost).
 */
export async function startExits(
  stack: StressStack,
  batch: string,
  count: number,
  options: StartOptions = {},
): Promise<{ exitIds: string[]; webhookFailures: number; gaveUp: number }> {
  const exitIds: string[] = new Array(count);
  let webhookFailures = 0;
  let gaveUp = 0;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const id = `msg_${batch}_${index}`;
      const result = await stack.webhook(exitRequestedEvent(batch, index), {
        id,
        attempts: options.attempts?.(index) ?? 6,
      });
      webhookFailures += result.failures;
      if (result.status === 202 && result.exitId) {
        exitIds[index] = result.exitId;
      } else if (result.status >= 500) {
        webhookFailures += 1;
        gaveUp += 1;
        exitIds[index] = exitIdFromEvent('webhook', id);
      } else {
        throw new Error(`webhook ${index} answered ${result.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { exitIds, webhookFailures, gaveUp };
}

/**
 * Travels through the whole sequence, `hopDays` at a time (the reconciler runs after each hop, as
 * it runs daily on AWS), then a day at a time until a day passes with nothing fired or repaired.
 * Returns how many schedules the reconciler repaired.
 */
export async function runWholeSequence(
  stack: StressStack,
  hopDays = WHOLE_SEQUENCE_DAYS,
  options: { maxQuietDays?: number; beforeHop?: () => Promise<unknown> } = {},
): Promise<number> {
  const { maxQuietDays = 5, beforeHop } = options;
  let repaired = 0;
  for (let day = 0; day < WHOLE_SEQUENCE_DAYS; day += hopDays) {
    await beforeHop?.();
    repaired += (await stack.travel(hopDays)).repaired;
  }
  for (let day = 0; day < maxQuietDays; day += 1) {
    const result = await stack.travel(1);
    repaired += result.repaired;
    if (result.fired === 0 && result.repaired === 0) break;
  }
  return repaired;
}
