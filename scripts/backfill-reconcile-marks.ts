import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillReconcileMarks } from '../functions/adapters/dynamo-reconcile-backfill.js';

/**
 * Marks active exits written before the reconciler's `byReconcileAt` index existed, once per
 * table, after the stack that adds the index is deployed:
 *   npx tsx scripts/backfill-reconcile-marks.ts --table <table name>
 * with the AWS credentials and region of the account (or `AWS_ENDPOINT_URL_DYNAMODB` for a local
 * table). Until it runs, the reconciler does not see those exits; afterwards its next runs look at
 * each once (a run stops on its time budget, the next carries on). Safe to run again and next to
 * live traffic.
 */
const { values } = parseArgs({ options: { table: { type: 'string' } } });
const table = values.table || process.env.FAREWELL_TABLE_NAME;
if (!table) {
  console.error('Usage: npx tsx scripts/backfill-reconcile-marks.ts --table <table name>');
  process.exit(1);
}
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const report = await backfillReconcileMarks(client, table, new Date().toISOString());
console.log(
  `Marked ${report.marked} active exits for the reconciler; ${report.skipped} had changed meanwhile.`,
);
