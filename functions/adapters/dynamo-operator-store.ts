/**
 * `OperatorStore` on the one Farewell table: an operator is the item `operator#<email>`, a
 * sign-in attempt counter the item `signin#<keyed hash>`. Every change is one conditional write.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { normalizeEmail, type Operator } from '../domain/operator.js';
import type { AttemptVerdict, OperatorStore, ThrottlePolicy } from '../domain/ports.js';
import { CONDITION_FAILED, call, conditional } from './dynamo-calls.js';
import type { TableKey } from './dynamo-table.js';
import { UpdateBuilder } from './dynamo-update.js';

export function operatorKey(email: string): TableKey {
  return { pk: `operator#${normalizeEmail(email)}`, sk: 'operator' };
}

export function signInAttemptsKey(key: string): TableKey {
  return { pk: `signin#${key}`, sk: 'signin' };
}

/** Rounds of "continue the window, else start one" before a contended key counts as locked. */
const ROUNDS = 3;

const OPERATOR_FIELDS = [
  'email',
  'passwordHash',
  'sessionVersion',
  'createdAt',
  'updatedAt',
  'passwordChangedAt',
] as const;

function itemToOperator(item: Record<string, unknown>): Operator {
  return Object.fromEntries(
    OPERATOR_FIELDS.map((name) => [name, item[name]]),
  ) as unknown as Operator;
}

export class DynamoOperatorStore implements OperatorStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createOperator(operator: Operator): Promise<'created' | 'exists'> {
    const email = normalizeEmail(operator.email);
    const result = await conditional('createOperator', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...operator, email, ...operatorKey(email) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return result === CONDITION_FAILED ? 'exists' : 'created';
  }

  async getOperator(email: string): Promise<Operator | undefined> {
    const { Item } = await call('getOperator', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: operatorKey(email),
          // A password change or sign-out a moment ago must end sessions at once.
          ConsistentRead: true,
        }),
      ),
    );
    return Item === undefined ? undefined : itemToOperator(Item);
  }

  async setPassword(email: string, passwordHash: string, at: string): Promise<boolean> {
    const update = new UpdateBuilder();
    update
      .condition(`attribute_exists(${update.path(['pk'])})`)
      .set(['passwordHash'], passwordHash)
      .set(['passwordChangedAt'], at)
      .set(['updatedAt'], at);
    return this.updateOperator('setPassword', email, bumpVersion(update));
  }

  async upgradeHash(email: string, oldHash: string, newHash: string, at: string) {
    const update = new UpdateBuilder();
    update
      .condition(`${update.path(['passwordHash'])} = ${update.value(oldHash)}`)
      .set(['passwordHash'], newHash)
      .set(['updatedAt'], at);
    return this.updateOperator('upgradeHash', email, update);
  }

  async endSessions(email: string, at: string): Promise<boolean> {
    const update = new UpdateBuilder();
    update.condition(`attribute_exists(${update.path(['pk'])})`).set(['updatedAt'], at);
    return this.updateOperator('endSessions', email, bumpVersion(update));
  }

  async countSignInAttempt(
    key: string,
    now: Date,
    policy: ThrottlePolicy,
  ): Promise<AttemptVerdict> {
    const seconds = Math.floor(now.getTime() / 1000);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Usually one write: a key with no live window (the common case) starts one at once.
      if (await this.countAttempt(key, 'start', seconds, policy)) return { allowed: true };
      if (await this.countAttempt(key, 'continue', seconds, policy)) return { allowed: true };
      const { Item } = await call('countSignInAttempt', () =>
        this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: signInAttemptsKey(key),
            ConsistentRead: true,
          }),
        ),
      );
      const last = Number(Item?.lastAttemptAt);
      const lockedUntil = last + policy.lockoutSeconds;
      if (Number(Item?.attempts) >= policy.maxFailures && lockedUntil > seconds) {
        return { allowed: false, retryAfterSeconds: lockedUntil - seconds };
      }
      // Another attempt changed the counter between our writes: count again.
    }
    return { allowed: false, retryAfterSeconds: policy.lockoutSeconds };
  }

  async clearSignInAttempts(key: string): Promise<void> {
    await call('clearSignInAttempts', () =>
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: signInAttemptsKey(key) }),
      ),
    );
  }

  /**
   * One attempt as one conditional update, never while the key is locked (`maxFailures`
   * attempts, the last one less than `lockoutSeconds` ago). `start` opens a window when there is
   * none or it has passed; `continue` adds to a live one. Timestamps are epoch seconds; TTL
   * deletes the item at `expiresAt`, but the conditions never rely on that having happened.
   */
  private async countAttempt(
    key: string,
    mode: 'start' | 'continue',
    now: number,
    policy: ThrottlePolicy,
  ): Promise<boolean> {
    const update = new UpdateBuilder();
    const attempts = update.path(['attempts']);
    const windowStartedAt = update.path(['windowStartedAt']);
    const notLocked = `${attempts} < ${update.value(policy.maxFailures)} OR ${update.path(['lastAttemptAt'])} <= ${update.value(now - policy.lockoutSeconds)}`;
    const windowFloor = update.value(now - policy.windowSeconds);
    if (mode === 'start') {
      update
        .condition(
          `attribute_not_exists(${update.path(['pk'])}) OR (${windowStartedAt} <= ${windowFloor} AND (${notLocked}))`,
        )
        .set(['attempts'], 1)
        .set(['windowStartedAt'], now);
    } else {
      update
        .condition(`${windowStartedAt} > ${windowFloor} AND (${notLocked})`)
        .setRaw(['attempts'], `${attempts} + ${update.value(1)}`);
    }
    update
      .set(['lastAttemptAt'], now)
      .set(['expiresAt'], now + Math.max(policy.windowSeconds, policy.lockoutSeconds));
    const result = await conditional('countSignInAttempt', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: signInAttemptsKey(key),
          ...update.build(),
        }),
      ),
    );
    return result !== CONDITION_FAILED;
  }

  private async updateOperator(operation: string, email: string, update: UpdateBuilder) {
    const result = await conditional(operation, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: operatorKey(email),
          ...update.build(),
        }),
      ),
    );
    return result !== CONDITION_FAILED;
  }
}

function bumpVersion(update: UpdateBuilder): UpdateBuilder {
  const version = update.path(['sessionVersion']);
  return update.setRaw(
    ['sessionVersion'],
    `if_not_exists(${version}, ${update.value(0)}) + ${update.value(1)}`,
  );
}
