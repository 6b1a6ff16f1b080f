/**
 * The one-off move of exits written before the `byStatus` index was sharded (`status#<status>`)
 * into their shard (`status#<status>#<n>`). Lists read the legacy partition too, so nothing is
 * lost before it runs; after it, the legacy partitions are empty and every list query of them
 * reads nothing. Idempotent, and safe next to live traffic: each move is one conditional update
 * that writes only while the item still has the legacy key and the status it was listed under.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXIT_STATUSES } from '../domain/exit.js';
import { CONDITION_FAILED, call, conditional } from './dynamo-calls.js';
import { legacyStatusPartition, STATUS_INDEX, statusPartition } from './dynamo-table.js';

export interface BackfillReport {
  moved: number;
  /** Changed meanwhile (a status change moves the item itself): nothing to do. */
  skipped: number;
}

export async function backfillStatusShards(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<BackfillReport> {
  const report: BackfillReport = { moved: 0, skipped: 0 };
  for (const status of EXIT_STATUSES) {
    const legacy = legacyStatusPartition(status);
    for await (const item of statusIndexKeys(client, tableName, legacy, 'backfillStatusShards')) {
      const exitId = String(item.id);
      const result = await conditional('backfillStatusShards', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET #pk = :shard',
            ConditionExpression: '#pk = :legacy AND #status = :status',
            ExpressionAttributeNames: { '#pk': 'gsi1pk', '#status': 'status' },
            ExpressionAttributeValues: {
              ':shard': statusPartition(status, exitId),
              ':legacy': legacy,
              ':status': status,
            },
          }),
        ),
      );
      if (result === CONDITION_FAILED) report.skipped += 1;
      else report.moved += 1;
    }
  }
  return report;
}

/**
 * The keys (and id) of every item under one partition of the status index, a page of 100 at a
 * time: what the one-off backfills walk.
 */
export async function* statusIndexKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  operation: string,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await call(operation, () =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'gsi1pk' },
          ExpressionAttributeValues: { ':pk': partition },
          ProjectionExpression: 'pk, sk, id',
          Limit: 100,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
