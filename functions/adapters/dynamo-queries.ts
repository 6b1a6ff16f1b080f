/** The store's reads through its indexes, and the opaque paging cursor. */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.js';
import type { ExitStatus } from '../domain/exit.js';
import {
  EXTERNAL_ID_INDEX,
  externalIdPartition,
  STATUS_INDEX,
  statusPartition,
} from './dynamo-table.js';

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is the last key of a byStatus page: exactly these four strings, in that partition. */
export function decodeCursor(cursor: string, partition: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const entries = Object.entries(key);
      const wanted = ['gsi1pk', 'gsi1sk', 'pk', 'sk'];
      const shaped =
        entries.length === wanted.length &&
        entries.every(([name, value]) => wanted.includes(name) && typeof value === 'string');
      const fields = key as Record<string, string>;
      // Only a key this app could have given out: anything else would reach DynamoDB and fail.
      const ours =
        shaped &&
        fields.gsi1pk === partition &&
        fields.sk === 'exit' &&
        /^exit#x[0-9a-f]{24}$/.test(fields.pk ?? '') &&
        /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#x[0-9a-f]{24}$/.test(fields.gsi1sk ?? '');
      if (ours) return fields;
    }
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this app gave out' }]);
}

/** The byStatus key of an item read through the index: a cursor that resumes right after it. */
export function cursorAfter(item: Record<string, unknown>): string {
  const { gsi1pk, gsi1sk, pk, sk } = item;
  return encodeCursor({ gsi1pk, gsi1sk, pk, sk });
}

/**
 * Exits in a status, oldest first; throws `ValidationError` for a cursor we did not give out.
 * With `search` (already in `searchForm`), a FilterExpression keeps the exits whose search text
 * contains it. DynamoDB applies `Limit` before the filter and bills every item it read, matching
 * or not: a search reads `Limit` index items per round whatever it finds.
 */
export function byStatusQuery(
  tableName: string,
  status: ExitStatus,
  page: { limit?: number; cursor?: string; search?: string },
): QueryCommandInput {
  const start = page.cursor ? decodeCursor(page.cursor, statusPartition(status)) : undefined;
  return {
    TableName: tableName,
    IndexName: STATUS_INDEX,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: {
      '#pk': 'gsi1pk',
      ...(page.search ? { '#search': 'searchText' } : {}),
    },
    ExpressionAttributeValues: {
      ':pk': statusPartition(status),
      ...(page.search ? { ':search': page.search } : {}),
    },
    ...(page.search ? { FilterExpression: 'contains(#search, :search)' } : {}),
    Limit: page.limit ?? 100,
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}

/** Exits started with one external id, newest first (keys only); one page, from `startKey`. */
export function byExternalIdQuery(
  tableName: string,
  externalId: string,
  startKey?: Record<string, unknown>,
): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: EXTERNAL_ID_INDEX,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'gsi2pk' },
    ExpressionAttributeValues: { ':pk': externalIdPartition(externalId) },
    ScanIndexForward: false,
    Limit: 100,
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  };
}
