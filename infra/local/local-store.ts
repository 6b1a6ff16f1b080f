import { existsSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** The snapshot of the local store, in the data folder: table lines, then one item per line. */
export const SNAPSHOT_FILE = 'dynamodb.jsonl';
/** The LevelDB folder of versions before the snapshot; migrated once, then deleted. */
export const LEGACY_LEVELDB_DIR = 'dynamodb';
/** A write is in the snapshot this long after it (plus the snapshot's own time) at the latest. */
export const SNAPSHOT_DELAY_MS = 500;

export interface LocalStoreOptions {
  host: string;
  dataDir: string;
  /** Default SNAPSHOT_DELAY_MS. */
  snapshotDelayMs?: number;
}

export interface LocalStore {
  endpoint: string;
  port: number;
  /** Writes a snapshot now (after one in progress), whether or not anything changed. */
  snapshot(): Promise<void>;
  /** The last snapshot's figures, for tests and benchmarks. */
  lastSnapshot(): { items: number; ms: number } | undefined;
  /** Final snapshot, then dynalite closes. */
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
type Dynalite = (options: Record<string, unknown>) => Server;
type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** dynalite's operations that change data; anything else leaves the snapshot as it is. */
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteTable',
  'UpdateTable',
]);
const BATCH = 25;

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One DynamoDB call in its wire JSON, so items are kept byte for byte (binary stays base64). */
async function call(endpoint: string, operation: string, body: Json): Promise<Json> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': '20260101T000000Z',
      // dynalite checks that a signature is there, not what it is; it never leaves loopback.
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=local',
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Json;
  if (!response.ok) {
    throw new Error(`local store ${operation}: ${String(answer.__type)} ${String(answer.message)}`);
  }
  return answer;
}

/** A table's description turned back into the CreateTable request that makes it again. */
function createRequest(table: Json): Json {
  const keyIndex = (index: Json) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
  });
  const billing = (table.BillingModeSummary as Json | undefined)?.BillingMode;
  const throughput = table.ProvisionedThroughput as Json | undefined;
  const provisioned = billing !== 'PAY_PER_REQUEST';
  const capacity = {
    ReadCapacityUnits: Number(throughput?.ReadCapacityUnits ?? 1) || 1,
    WriteCapacityUnits: Number(throughput?.WriteCapacityUnits ?? 1) || 1,
  };
  const gsis = (table.GlobalSecondaryIndexes as Json[] | undefined)?.map((index) => ({
    ...keyIndex(index),
    ...(provisioned ? { ProvisionedThroughput: capacity } : {}),
  }));
  const lsis = (table.LocalSecondaryIndexes as Json[] | undefined)?.map(keyIndex);
  return {
    TableName: table.TableName,
    AttributeDefinitions: table.AttributeDefinitions,
    KeySchema: table.KeySchema,
    ...(provisioned ? { ProvisionedThroughput: capacity } : { BillingMode: 'PAY_PER_REQUEST' }),
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
  };
}

/**
 * Writes every table and item the store at `endpoint` holds to `file`, atomically: a temp file,
 * flushed, then renamed over the old snapshot, so a crash leaves the previous snapshot whole.
 * A fresh file each time: nothing erased or overwritten survives in it.
 */
async function writeSnapshot(endpoint: string, file: string): Promise<number> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  let items = 0;
  try {
    const tables: string[] = [];
    let start: string | undefined;
    do {
      const page = await call(
        endpoint,
        'ListTables',
        start ? { ExclusiveStartTableName: start } : {},
      );
      tables.push(...(page.TableNames as string[]));
      start = page.LastEvaluatedTableName as string | undefined;
    } while (start);
    for (const name of tables) {
      const { Table } = await call(endpoint, 'DescribeTable', { TableName: name });
      await handle.write(`${JSON.stringify({ table: createRequest(Table as Json) })}\n`);
    }
    for (const name of tables) {
      let from: Json | undefined;
      do {
        const page = await call(endpoint, 'Scan', {
          TableName: name,
          ConsistentRead: true,
          ...(from ? { ExclusiveStartKey: from } : {}),
        });
        const lines = (page.Items as Json[]).map((item) => JSON.stringify({ in: name, item }));
        if (lines.length) await handle.write(`${lines.join('\n')}\n`);
        items += lines.length;
        from = page.LastEvaluatedKey as Json | undefined;
      } while (from);
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, file);
  return items;
}

/** Recreates the snapshot's tables (indexes included) and puts its items back. */
async function loadSnapshot(endpoint: string, file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const batches = new Map<string, Json[]>();
  const flush = async (table: string) => {
    let requests: Json[] = (batches.get(table) ?? []).map((item) => ({
      PutRequest: { Item: item },
    }));
    batches.set(table, []);
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 20) throw new Error(`local store: could not load the items of ${table}`);
      const answer = await call(endpoint, 'BatchWriteItem', {
        RequestItems: { [table]: requests },
      });
      requests = (answer.UnprocessedItems as Record<string, Json[]> | undefined)?.[table] ?? [];
    }
  };
  for (const line of text.split('\n')) {
    if (!line) continue;
    const entry = JSON.parse(line) as { table?: Json; in?: string; item?: Json };
    if (entry.table) {
      await call(endpoint, 'CreateTable', entry.table);
      await waitActive(endpoint, String(entry.table.TableName));
    } else if (entry.in && entry.item) {
      const batch = batches.get(entry.in) ?? [];
      batch.push(entry.item);
      batches.set(entry.in, batch);
      if (batch.length === BATCH) await flush(entry.in);
    }
  }
  for (const table of batches.keys()) await flush(table);
}

async function waitActive(endpoint: string, table: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const { Table } = await call(endpoint, 'DescribeTable', { TableName: table });
    const description = Table as Json;
    const indexes = (description.GlobalSecondaryIndexes as Json[] | undefined) ?? [];
    if (
      description.TableStatus === 'ACTIVE' &&
      indexes.every((index) => index.IndexStatus === 'ACTIVE')
    ) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`local store: table ${table} did not become active`);
}

/**
 * dynalite 4.0.0 with its data on disk (LevelDB) loses updates to large items under load, so the
 * local store is dynalite in memory, with our own snapshot file. This reads a LevelDB folder a
 * version before wrote, once, into a snapshot, then deletes the folder (it holds old versions
 * of every item, erased ones included).
 */
async function migrateLegacyFolder(
  dynalite: Dynalite,
  host: string,
  folder: string,
  file: string,
): Promise<void> {
  const legacy = dynalite({ path: folder, createTableMs: 0 });
  const port = await listen(legacy, host);
  try {
    await writeSnapshot(`http://${host}:${port}`, file);
  } finally {
    await close(legacy);
  }
  rmSync(folder, { recursive: true, force: true });
  console.log(
    `Local store: moved the data of ${folder} (an older version's LevelDB folder) into ${file}.`,
  );
}

/**
 * dynalite in memory on loopback, its data kept in `dataDir/dynamodb.jsonl`: loaded at start,
 * written again at most `snapshotDelayMs` after a write request was answered (one snapshot at a
 * time; writes during one bring another), and at stop.
 */
export async function startLocalStore(options: LocalStoreOptions): Promise<LocalStore> {
  const { host, dataDir } = options;
  const delay = options.snapshotDelayMs ?? SNAPSHOT_DELAY_MS;
  const file = join(dataDir, SNAPSHOT_FILE);
  // dynalite ships no types; its factory returns a plain `http.Server`.
  const dynalite = require('dynalite') as Dynalite;
  const legacy = join(dataDir, LEGACY_LEVELDB_DIR);
  if (existsSync(legacy) && !existsSync(file))
    await migrateLegacyFolder(dynalite, host, legacy, file);
  else if (existsSync(legacy)) rmSync(legacy, { recursive: true, force: true });

  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let last: { items: number; ms: number } | undefined;
  let failure: unknown;
  let stopping = false;

  const snapshotOnce = async () => {
    dirty = false;
    const started = performance.now();
    let items: number;
    try {
      items = await writeSnapshot(endpoint, file);
    } catch (error) {
      // What it missed is still to be written.
      dirty = true;
      throw error;
    }
    last = { items, ms: Math.round(performance.now() - started) };
  };
  /** Runs after the one in progress, so two never write the temp file at once. */
  const snapshot = async (): Promise<void> => {
    const previous = running;
    const next = (async () => {
      await previous?.catch(() => undefined);
      await snapshotOnce();
    })();
    running = next;
    try {
      await next;
    } finally {
      if (running === next) running = undefined;
      // Writes answered while it ran: the next one, a delay after this one ended.
      if (dirty && !stopping) schedule();
    }
  };
  /**
   * At most one timed snapshot waits or runs at a time: under load a snapshot can take longer
   * than the delay, and queueing one per delay would pile up work that stop then has to drain.
   */
  const schedule = () => {
    if (timer || running || stopping) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!dirty) return;
      snapshot().catch((error: unknown) => {
        // Reported once; the next write tries again.
        if (!failure) console.error(`Local store: the snapshot failed: ${String(error)}`);
        failure = error;
      });
    }, delay);
    timer.unref();
  };

  // Observe write requests: after dynalite answered one, a snapshot follows.
  const handlers = server.listeners('request') as RequestHandler[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (WRITES.has(operation)) {
      response.once('finish', () => {
        dirty = true;
        schedule();
      });
    }
    for (const handler of handlers) handler(request, response);
  });

  const port = await listen(server, host);
  const endpoint = `http://${host}:${port}`;
  try {
    if (existsSync(file)) await loadSnapshot(endpoint, file);
  } catch (error) {
    await close(server);
    throw new Error(`Local store: could not load ${file}: ${String(error)}`);
  }

  return {
    endpoint,
    port,
    snapshot,
    lastSnapshot: () => last,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      try {
        await snapshot();
      } catch (error) {
        // The stack's stop goes on with its other parts; say what was not kept.
        console.error(
          `Local store: the last snapshot failed, writes since the one before are lost: ${String(error)}`,
        );
        throw error;
      } finally {
        await close(server);
      }
    },
  };
}
