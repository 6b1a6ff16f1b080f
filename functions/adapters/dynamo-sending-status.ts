/**
 * `SendingStatus` as one small item of the Farewell table: it holds a reason while sending is
 * blocked, and the first waiting step that goes out removes it (an update, not a delete:
 * send-step may only get, put and update). It has no index attributes, so no exit listing ever sees it.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendingBlockedReason } from '../domain/errors.js';
import type { SendingBlock, SendingStatus } from '../domain/ports.js';
import { call, conditional } from './dynamo-calls.js';
import type { TableKey } from './dynamo-table.js';

export const sendingStatusKey: TableKey = { pk: 'sending-status', sk: 'sending-status' };

export class DynamoSendingStatus implements SendingStatus {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async blocked(block: Omit<SendingBlock, 'since'>): Promise<void> {
    // One unconditional update: the latest block wins, the period's start stays.
    await call('sendingStatus.blocked', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sendingStatusKey,
          UpdateExpression:
            'SET reason = :reason, why = :why, fix = :fix, #at = :at, since = if_not_exists(since, :at)',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: {
            ':reason': block.reason,
            ':why': block.why,
            ':fix': block.fix,
            ':at': block.at,
          },
        }),
      ),
    );
  }

  async sent(at: string): Promise<void> {
    // A block recorded after this send (another send refused meanwhile) stays.
    await conditional('sendingStatus.clear', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sendingStatusKey,
          UpdateExpression: 'REMOVE reason, why, fix, since',
          ConditionExpression: 'attribute_exists(reason) AND #at <= :sent',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':sent': at },
        }),
      ),
    );
  }

  async current(): Promise<SendingBlock | undefined> {
    const { Item } = await call('sendingStatus.get', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: sendingStatusKey })),
    );
    if (!Item?.reason) return undefined;
    return {
      reason: Item.reason as SendingBlockedReason,
      why: String(Item.why),
      fix: String(Item.fix),
      since: String(Item.since),
      at: String(Item.at),
    };
  }
}
