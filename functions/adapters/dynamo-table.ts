/**
 * The one Farewell table: keys, the `byStatus` index, and its definition. Single-table design:
 * an exit is one item, a suppression is one item, and the key prefixes keep them apart.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { Exit, ExitStatus } from '../domain/exit.js';

export const STATUS_INDEX = 'byStatus';
export const EXTERNAL_ID_INDEX = 'byExternalId';
export const RECONCILE_INDEX = 'byReconcileAt';

export interface TableKey {
  pk: string;
  sk: string;
}

export interface StatusIndexKey {
  gsi1pk: string;
  gsi1sk: string;
}

export function exitKey(exitId: string): TableKey {
  return { pk: `exit#${exitId}`, sk: 'exit' };
}

export function suppressionKey(emailHash: string): TableKey {
  return { pk: `suppression#${emailHash}`, sk: 'suppression' };
}

/** The record of a control event's first answer, by its `webhook-id`. */
export function controlEventKey(eventId: string): TableKey {
  return { pk: `control-event#${eventId}`, sk: 'control-event' };
}

/** Sparse index attributes: only exits started with an external id (a CRM's own id) have them. */
export interface ExternalIdIndexKey {
  gsi2pk: string;
  gsi2sk: string;
}

export function externalIdPartition(externalId: string): string {
  return `external#${externalId}`;
}

export function externalIdIndexKey(
  externalId: string,
  createdAt: string,
  exitId: string,
): ExternalIdIndexKey {
  return { gsi2pk: externalIdPartition(externalId), gsi2sk: `${createdAt}#${exitId}` };
}

/** A key no item ever has: reading it proves the table answers without touching data. */
export const healthKey: TableKey = { pk: 'health', sk: 'health' };

/**
 * Shards of each status in the `byStatus` index. One partition per status would take every
 * exit's write (a DynamoDB partition takes at most 1,000 write units a second, and an index that
 * cannot keep up throttles the table's own writes); spread over 8 by a hash of the exit id, a
 * list reads 8 partitions (and the legacy one) and merges them in key order.
 */
export const STATUS_SHARDS = 8;

/** The shard of an exit: FNV-1a of its id, stable across runs and languages. */
export function statusShard(exitId: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < exitId.length; at += 1) {
    hash ^= exitId.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % STATUS_SHARDS;
}

/** The partition of the `byStatus` index that holds this exit while it is in `status`. */
export function statusPartition(status: ExitStatus, exitId: string): string {
  return `status#${status}#${statusShard(exitId)}`;
}

/**
 * Where items written before the index was sharded sit (`status#<status>`): read along with the
 * shards until `scripts/backfill-status-shards.ts` has moved them (a status change moves one too).
 */
export function legacyStatusPartition(status: ExitStatus): string {
  return `status#${status}`;
}

/** Every partition a list of `status` reads: the shards, then the legacy one. */
export function statusPartitions(status: ExitStatus): string[] {
  return [
    ...Array.from({ length: STATUS_SHARDS }, (_, shard) => `status#${status}#${shard}`),
    legacyStatusPartition(status),
  ];
}

/**
 * What the `byStatus` index carries besides its keys: everything the console list, its search,
 * the reconciler, the insights and the export read, that is every attribute of an exit but its
 * timeline, the one that grows with each step and that only the exit's own page shows (read by
 * its key). The type below fails to compile when `Exit` gains an attribute not listed here.
 */
export const STATUS_INDEX_ATTRIBUTES = [
  'id',
  'externalId',
  'source',
  'client',
  'initiatedBy',
  'reason',
  'effectiveOn',
  'relationshipStartedOn',
  'handover',
  'highlights',
  'status',
  'createdAt',
  'updatedAt',
  'lastControlAt',
  'lastRescheduleAt',
  'steps',
  'survey',
  'erasedAt',
  'searchText',
  // The checklist's summary, not its tasks: they grow with notes, and the list only counts.
  'openTaskDues',
] as const satisfies readonly (keyof Exit | 'searchText')[];

/**
 * Attributes of an exit that the index leaves out: the timeline, the checklist's tasks, and the
 * approval's personal paragraph (only the exit's own page shows them; the list reads the tasks'
 * summary, `openTaskDues`).
 */
export type NotInStatusIndex = Exclude<keyof Exit, (typeof STATUS_INDEX_ATTRIBUTES)[number]>;
const onlyTimelineLeftOut: NotInStatusIndex extends
  | 'timeline'
  | 'tasks'
  | 'taskRevision'
  | 'personalNote'
  ? true
  : never = true;
void onlyTimelineLeftOut;

/**
 * Index attributes of an exit. Whoever changes an exit's status must rewrite `gsi1pk` in the
 * same update (`statusPartition`), or the console lists the exit under its old status.
 */
export function statusIndexKey(
  status: ExitStatus,
  createdAt: string,
  exitId: string,
): StatusIndexKey {
  return { gsi1pk: statusPartition(status, exitId), gsi1sk: `${createdAt}#${exitId}` };
}

/**
 * Sparse index attributes of an active exit: when the reconciler must next look at it. Only active
 * exits have them (a status change sets or removes them), so a run queries "at or before now" per
 * shard and reads only the exits that need it, however many are stored.
 */
export interface ReconcileIndexKey {
  gsi3pk: string;
  gsi3sk: string;
}

/** The partition of the `byReconcileAt` index an exit sits in: sharded as `byStatus` is. */
export function reconcilePartition(exitId: string): string {
  return `reconcile#${statusShard(exitId)}`;
}

/** Every partition of the `byReconcileAt` index. */
export function reconcilePartitions(): string[] {
  return Array.from({ length: STATUS_SHARDS }, (_, shard) => `reconcile#${shard}`);
}

/** `at` (an ISO time) is when the reconciler must look at the exit next. */
export function reconcileIndexKey(exitId: string, at: string): ReconcileIndexKey {
  return { gsi3pk: reconcilePartition(exitId), gsi3sk: at };
}

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
      { AttributeName: 'gsi3pk', AttributeType: 'S' },
      { AttributeName: 'gsi3sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...STATUS_INDEX_ATTRIBUTES] },
      },
      {
        // Only ids: a webhook that names an exit by the CRM's id reads the exit itself next.
        IndexName: EXTERNAL_ID_INDEX,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        // Only keys: a step write that leaves these two alone writes nothing to the index, and
        // the reconciler reads the few exits it finds by their key.
        IndexName: RECONCILE_INDEX,
        KeySchema: [
          { AttributeName: 'gsi3pk', KeyType: 'HASH' },
          { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

export interface EnsureTableOptions {
  /** Gives up after this long; default 60 s. */
  timeoutMs?: number;
  /** Delay between status checks; default 100 ms (dynalite is fast, AWS takes seconds). */
  pollMs?: number;
}

/**
 * Creates the table when it is missing and waits until it and its index are ACTIVE. Idempotent,
 * and safe when several processes race to create it. Used by the local stack and the tests; on
 * AWS the CDK stack owns the table.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const { timeoutMs = 60_000, pollMs = 100 } = options;
  if ((await describe(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      if (!isNamed(error, 'ResourceInUseException')) throw error;
    }
  }
  // The SDK's waitUntilTableExists polls every 20 s at least and ignores index status.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describe(client, tableName);
    if (table !== undefined && isActive(table)) return;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function describe(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

function isActive(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}

/** Matches SDK errors by name: robust even when two copies of the SDK are loaded. */
export function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
