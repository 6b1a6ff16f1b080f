import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { ensureTable } from '../../functions/adapters/dynamo-table.js';
import {
  localCredentials,
  localRegion,
  type RunningService,
  startDynalite,
} from '../support/local-services.js';

/**
 * Issue 18 item 6: no write may lose another's update. The suppression was an unconditional put:
 * an unsubscribe written after a bounce (the use case reads, then writes) replaced the bounce,
 * and "Email me again" could then lift it and mail an address that bounces.
 */
const TABLE = 'farewell-suppression-writes-test';
const FIRST = '2026-04-05T12:00:00.000Z';
const LATER = '2026-04-06T12:00:00.000Z';

let dynalite: RunningService;
let client: DynamoDBClient;
let store: DynamoExitStore;

beforeAll(async () => {
  dynalite = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  await ensureTable(client, TABLE);
  store = new DynamoExitStore(DynamoDBDocumentClient.from(client), TABLE);
});

afterAll(async () => {
  client.destroy();
  await dynalite.stop();
});

describe('suppress keeps what an earlier write recorded', () => {
  it('keeps a bounce when an unsubscribe is written after it, so undoing the unsubscribe cannot lift it', async () => {
    await store.suppress('hash-bounced', 'bounce', FIRST);
    await store.suppress('hash-bounced', 'unsubscribed', LATER);

    expect(await store.suppression('hash-bounced')).toEqual({ reason: 'bounce', at: FIRST });
    expect(await store.unsuppress('hash-bounced', 'unsubscribed')).toBe(false);
    expect(await store.isSuppressed('hash-bounced')).toBe(true);
  });

  it('keeps the first of two reasons that are not an unsubscribe', async () => {
    await store.suppress('hash-complaint', 'complaint', FIRST);
    await store.suppress('hash-complaint', 'rejected', LATER);

    expect(await store.suppression('hash-complaint')).toEqual({ reason: 'complaint', at: FIRST });
  });

  it('keeps the time of the first unsubscribe when the client unsubscribes again', async () => {
    await store.suppress('hash-twice', 'unsubscribed', FIRST);
    await store.suppress('hash-twice', 'unsubscribed', LATER);

    expect(await store.suppression('hash-twice')).toEqual({ reason: 'unsubscribed', at: FIRST });
  });

  it('lets a bounce replace an unsubscribe, so the client can no longer undo it', async () => {
    await store.suppress('hash-upgraded', 'unsubscribed', FIRST);
    await store.suppress('hash-upgraded', 'bounce', LATER);

    expect(await store.suppression('hash-upgraded')).toEqual({ reason: 'bounce', at: LATER });
    expect(await store.unsuppress('hash-upgraded', 'unsubscribed')).toBe(false);
  });

  it('keeps one suppression when an unsubscribe and a bounce are written at once', async () => {
    await Promise.all([
      store.suppress('hash-race', 'unsubscribed', LATER),
      store.suppress('hash-race', 'bounce', FIRST),
    ]);

    expect((await store.suppression('hash-race'))?.reason).toBe('bounce');
  });
});
