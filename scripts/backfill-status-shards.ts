import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillStatusShards } from '../functions/adapters/dynamo-status-backfill.js';

/**
 * Moves exits written before the status index was sharded into their shard, once per table:
 *   npx tsx scripts/backfill-status-shards.ts --table <table name>
 * with the AWS credentials and region of the account (or `AWS_ENDPOINT_URL_DYNAMODB` for a local
 * table). Lists find those exits before it runs too; afterwards they stop reading anything from
 * the legacy partitions. Safe to run again and next to live traffic.
 */
const { values } = parseArgs({ options: { table: { type: 'string' } } });
const table = values.table || process.env.FAREWELL_TABLE_NAME;
if (!table) {
  console.error('Usage: npx tsx scripts/backfill-status-shards.ts --table <table name>');
  process.exit(1);
}
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const report = await backfillStatusShards(client, table);
console.log(
  `Moved ${report.moved} exits into their shard; ${report.skipped} had changed meanwhile.`,
);
