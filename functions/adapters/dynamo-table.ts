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
import type { ExitStatus } from '../domain/exit.js';

export const STATUS_INDEX = 'byStatus';
export const EXTERNAL_ID_INDEX = 'byExternalId';

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

/** The partition of the `byStatus` index that holds every exit in `status`. */
export function statusPartition(status: ExitStatus): string {
  return `status#${status}`;
}

/**
 * Index attributes of an exit. Whoever changes an exit's status must rewrite `gsi1pk` in the
 * same update, or the console lists the exit under its old status.
 */
export function statusIndexKey(
  status: ExitStatus,
  createdAt: string,
  exitId: string,
): StatusIndexKey {
  return { gsi1pk: statusPartition(status), gsi1sk: `${createdAt}#${exitId}` };
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
        Projection: { ProjectionType: 'ALL' },
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
