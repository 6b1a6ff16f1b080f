/**
 * `DigestStore` on the one Farewell table: one item per operator and day,
 * `digest#<operator key>#<YYYY-MM-DD>`. Each change is one conditional UpdateItem.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DigestClaim, DigestStore } from '../domain/digest-ports.js';
import { CONDITION_FAILED, call, conditional } from './dynamo-calls.js';
import type { TableKey } from './dynamo-table.js';

export function digestKey(operatorKey: string, day: string): TableKey {
  return { pk: `digest#${operatorKey}#${day}`, sk: 'digest' };
}

export class DynamoDigestStore implements DigestStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async note(operatorKey: string, day: string, exitId: string, at: string) {
    // A string set: noting the same exit twice (a revision, a retry) keeps one entry.
    const result = await conditional('noteDigest', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: digestKey(operatorKey, day),
          UpdateExpression: 'ADD exitIds :ids SET firstNotedAt = if_not_exists(firstNotedAt, :at)',
          ConditionExpression: 'attribute_not_exists(claimedAt)',
          ExpressionAttributeValues: { ':ids': new Set([exitId]), ':at': at },
        }),
      ),
    );
    return result === CONDITION_FAILED ? 'closed' : 'noted';
  }

  async claim(
    operatorKey: string,
    day: string,
    lease: { token: string; now: string; expiresAt: string },
  ): Promise<DigestClaim> {
    const key = digestKey(operatorKey, day);
    const result = await conditional('claimDigest', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          // `claimedAt` is kept from the first claim: it is where this day's notes end.
          UpdateExpression:
            'SET claimToken = :token, leaseUntil = :until, claimedAt = if_not_exists(claimedAt, :now)',
          ConditionExpression:
            'attribute_not_exists(doneAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: {
            ':token': lease.token,
            ':until': lease.expiresAt,
            ':now': lease.now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (result === CONDITION_FAILED) {
      const found = await call('getDigest', () =>
        this.client.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        ),
      );
      return found.Item?.doneAt ? { outcome: 'done' } : { outcome: 'busy' };
    }
    const item = result.Attributes ?? {};
    const ids = item.exitIds instanceof Set ? [...item.exitIds].map(String) : [];
    return { outcome: 'claimed', exitIds: ids.sort(), claimedAt: String(item.claimedAt) };
  }

  async release(operatorKey: string, day: string, token: string): Promise<void> {
    await conditional('releaseDigest', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: digestKey(operatorKey, day),
          UpdateExpression: 'REMOVE leaseUntil, claimToken',
          ConditionExpression: 'claimToken = :token AND attribute_not_exists(doneAt)',
          ExpressionAttributeValues: { ':token': token },
        }),
      ),
    );
  }

  async commit(
    operatorKey: string,
    day: string,
    token: string,
    result: { outcome: 'sent'; messageId: string; at: string } | { outcome: 'empty'; at: string },
  ) {
    const written = await conditional('commitDigest', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: digestKey(operatorKey, day),
          UpdateExpression:
            result.outcome === 'sent'
              ? 'SET doneAt = :at, outcome = :outcome, messageId = :id REMOVE leaseUntil'
              : 'SET doneAt = :at, outcome = :outcome REMOVE leaseUntil',
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeValues: {
            ':at': result.at,
            ':outcome': result.outcome,
            ':token': token,
            ...(result.outcome === 'sent' ? { ':id': result.messageId } : {}),
          },
        }),
      ),
    );
    return written === CONDITION_FAILED ? 'lost' : 'committed';
  }
}
