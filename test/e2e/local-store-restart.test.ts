import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { STATUS_INDEX } from '../../functions/adapters/dynamo-table.js';
import { startLocalStack } from '../../infra/local/local-stack.js';
import { freePort } from '../support/ports.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

const dataDir = mkdtempSync(join(tmpdir(), 'farewell-restart-'));
const TABLE = 'farewell-local';

const start = async () =>
  startLocalStack({
    port: await freePort(),
    sesPort: await freePort(),
    dataDir,
    env: { FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local store across a restart', () => {
  it('keeps every exit and an item written just before stop, with its index', async () => {
    const first = await start();
    let exitId: string;
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      const signed = signWebhook(exitRequested());
      const response = await fetch(`${first.appUrl}/webhooks/exits`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      expect(response.status).toBe(202);
      ({ exitId } = (await response.json()) as { exitId: string });
      // Written just before stop: no timed snapshot has taken it yet, the one at stop must.
      await documents.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'restart-test', sk: 'last', gsi1pk: 'restart-test', gsi1sk: '1', n: 1 },
        }),
      );
    } finally {
      documents.destroy();
      await first.stop();
    }

    const second = await start();
    const again = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      expect((await second.store.get(exitId))?.id).toBe(exitId);
      const { Item } = await again.send(
        new GetCommand({ TableName: TABLE, Key: { pk: 'restart-test', sk: 'last' } }),
      );
      expect(Item?.n).toBe(1);
      // The table came back with its indexes.
      const { Items } = await again.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'restart-test' },
        }),
      );
      expect(Items?.map((item) => item.sk)).toEqual(['last']);
    } finally {
      again.destroy();
      await second.stop();
    }
  }, 60_000);
});
