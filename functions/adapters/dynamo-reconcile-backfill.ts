/**
 * The one-off marking of active exits written before the `byReconcileAt` index existed: each
 * gets the mark `at` (usually now), so the reconciler's next runs look at it once and from then
 * on only when it needs a look. Until it runs, the reconciler does not see those exits. Idempotent,
 * and safe next to live traffic: each mark is one conditional update that writes only while the
 * exit is active and has no mark yet (a status change or the reconciler set its own meanwhile).
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION_FAILED, conditional } from './dynamo-calls.js';
import { statusIndexKeys } from './dynamo-status-backfill.js';
import { reconcilePartition, statusPartitions } from './dynamo-table.js';

export interface ReconcileBackfillReport {
  marked: number;
  /** Marked or no longer active meanwhile: nothing to do. */
  skipped: number;
}

export async function backfillReconcileMarks(
  client: DynamoDBDocumentClient,
  tableName: string,
  at: string,
): Promise<ReconcileBackfillReport> {
  const report: ReconcileBackfillReport = { marked: 0, skipped: 0 };
  // The active shards and the legacy active partition, if the status backfill has not run.
  for (const partition of statusPartitions('active')) {
    // No filter on the mark: the status index does not carry it. The update's condition leaves
    // an exit that has one alone.
    for await (const item of statusIndexKeys(
      client,
      tableName,
      partition,
      'backfillReconcileMarks',
    )) {
      const result = await conditional('backfillReconcileMarks', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET #shard = :shard, #mark = :at',
            ConditionExpression: '#status = :active AND attribute_not_exists(#mark)',
            ExpressionAttributeNames: {
              '#shard': 'gsi3pk',
              '#mark': 'gsi3sk',
              '#status': 'status',
            },
            ExpressionAttributeValues: {
              ':shard': reconcilePartition(String(item.id)),
              ':at': at,
              ':active': 'active',
            },
          }),
        ),
      );
      if (result === CONDITION_FAILED) report.skipped += 1;
      else report.marked += 1;
    }
  }
  return report;
}
