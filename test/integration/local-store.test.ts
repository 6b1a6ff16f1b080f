import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../functions/adapters/dynamo-table.js';
import {
  LEGACY_LEVELDB_DIR,
  SNAPSHOT_FILE,
  startLocalStore,
} from '../../infra/local/local-store.js';

const require = createRequire(import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'farewell-local-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

describe('the local store', () => {
  it("moves an older version's LevelDB folder into the snapshot once, then deletes it", async () => {
    const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
    const legacy = dynalite({ path: join(dataDir, LEGACY_LEVELDB_DIR), createTableMs: 0 });
    await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', () => resolve()));
    const old = client(`http://127.0.0.1:${(legacy.address() as AddressInfo).port}`);
    await ensureTable(old, 'farewell-local');
    await DynamoDBDocumentClient.from(old).send(
      new PutCommand({ TableName: 'farewell-local', Item: { pk: 'kept', sk: 'item', n: 7 } }),
    );
    old.destroy();
    await new Promise<void>((resolve) => legacy.close(() => resolve()));

    const store = await startLocalStore({ host: '127.0.0.1', dataDir });
    const fresh = client(store.endpoint);
    try {
      const { Item } = await DynamoDBDocumentClient.from(fresh).send(
        new GetCommand({ TableName: 'farewell-local', Key: { pk: 'kept', sk: 'item' } }),
      );
      expect(Item?.n).toBe(7);
      expect(existsSync(join(dataDir, LEGACY_LEVELDB_DIR))).toBe(false);
    } finally {
      fresh.destroy();
      await store.stop();
    }
    const lines = readFileSync(join(dataDir, SNAPSHOT_FILE), 'utf8').trim().split('\n');
    expect(lines.map((line) => Object.keys(JSON.parse(line) as object)[0])).toEqual([
      'table',
      'in',
    ]);
  });
});
