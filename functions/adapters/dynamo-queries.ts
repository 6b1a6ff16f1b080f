/** The store's reads through its indexes, and the opaque paging cursor. */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.js';
import { EXTERNAL_ID_INDEX, externalIdPartition, STATUS_INDEX } from './dynamo-table.js';

/** An index sort key (`gsi1sk`) this app writes: the creation time, then the exit id. */
const STATUS_SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#x[0-9a-f]{24}$/;

/**
 * A list cursor: the sort key (`gsi1sk`) of the last exit the page accounted for. Sort keys are
 * unique and ordered across the shards of a status, so one key resumes every shard at once.
 */
export function encodeCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

/** The sort key a cursor resumes after; throws `ValidationError` for one we did not give out. */
export function decodeCursor(cursor: string): string {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const entries = Object.entries(key);
      const [name, after] = entries[0] ?? [];
      // Only a key this app could have given out: anything else would reach DynamoDB and fail.
      if (
        entries.length === 1 &&
        name === 'after' &&
        typeof after === 'string' &&
        STATUS_SORT_KEY.test(after)
      ) {
        return after;
      }
    }
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this app gave out' }]);
}

/**
 * One page of one partition of the byStatus index, oldest first: after the sort key `after`
 * (a cursor's) or from `startKey` (the partition's own last key, when reading on). With `search`
 * (already in `searchForm`), a FilterExpression keeps the exits whose search text contains it;
 * with `overdueBefore`, those whose earliest open task is due before that date.
 * DynamoDB applies `Limit` before the filter and bills every item it read, matching or not.
 */
export function byStatusQuery(
  tableName: string,
  partition: string,
  page: {
    limit: number;
    after?: string;
    startKey?: Record<string, unknown>;
    search?: string;
    overdueBefore?: string;
  },
): QueryCommandInput {
  const after = page.after !== undefined && page.startKey === undefined;
  const filters = [
    page.search ? 'contains(#search, :search)' : '',
    // The earliest open task's date: the summary is sorted, so one element says it.
    page.overdueBefore ? '#dues[0] < :before' : '',
  ].filter(Boolean);
  return {
    TableName: tableName,
    IndexName: STATUS_INDEX,
    KeyConditionExpression: after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
    ExpressionAttributeNames: {
      '#pk': 'gsi1pk',
      ...(after ? { '#sk': 'gsi1sk' } : {}),
      ...(page.search ? { '#search': 'searchText' } : {}),
      ...(page.overdueBefore ? { '#dues': 'openTaskDues' } : {}),
    },
    ExpressionAttributeValues: {
      ':pk': partition,
      ...(after ? { ':after': page.after } : {}),
      ...(page.search ? { ':search': page.search } : {}),
      ...(page.overdueBefore ? { ':before': page.overdueBefore } : {}),
    },
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    Limit: page.limit,
    ...(page.startKey ? { ExclusiveStartKey: page.startKey } : {}),
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
