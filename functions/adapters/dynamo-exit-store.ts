/**
 * `ExitStore` on one DynamoDB table. Every state change is one conditional write on the exit's
 * item: no transactions, so the same code runs on DynamoDB and on dynalite.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../domain/errors.js';
import type { Exit, TimelineEntry } from '../domain/exit.js';
import type { ClaimResult, ExitStore, StepOutcome } from '../domain/ports.js';
import { exitToItem, itemToExit } from './dynamo-exit-mapping.js';
import { exitKey, healthKey, isNamed, suppressionKey } from './dynamo-table.js';

const CONDITION_FAILED = Symbol('condition-failed');

/**
 * Step paths go through attribute names, never inline: step ids carry hyphens
 * (`survey-reminder`) and DynamoDB reads a bare hyphen as a minus.
 */
const STEP_NAMES = {
  '#steps': 'steps',
  '#state': 'state',
  '#lease': 'lease',
} as const;

export class DynamoExitStore implements ExitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(exit: Exit): Promise<'created' | 'exists'> {
    const result = await this.conditional('create', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: exitToItem(exit),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return result === CONDITION_FAILED ? 'exists' : 'created';
  }

  async get(exitId: string): Promise<Exit | undefined> {
    const { Item } = await this.call('get', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: exitKey(exitId), ConsistentRead: true }),
      ),
    );
    return Item === undefined ? undefined : itemToExit(Item);
  }

  async claimStep(
    exitId: string,
    stepId: string,
    lease: { token: string; now: string; expiresAt: string },
  ): Promise<ClaimResult> {
    const result = await this.conditional('claimStep', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exitKey(exitId),
          ConditionExpression: [
            'attribute_exists(pk) AND attribute_exists(#steps.#step)',
            'AND (#steps.#step.#state = :scheduled',
            'OR (#steps.#step.#state = :sending AND #steps.#step.#lease.#expiresAt < :now))',
          ].join(' '),
          UpdateExpression: [
            'SET #steps.#step.#state = :sending',
            '#steps.#step.#lease = :lease',
            '#steps.#step.#attempts = if_not_exists(#steps.#step.#attempts, :zero) + :one',
            '#updatedAt = :now',
          ].join(', '),
          ExpressionAttributeNames: {
            ...STEP_NAMES,
            '#step': stepId,
            '#expiresAt': 'expiresAt',
            '#attempts': 'attempts',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':scheduled': 'scheduled',
            ':sending': 'sending',
            ':now': lease.now,
            ':lease': { token: lease.token, expiresAt: lease.expiresAt },
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );

    if (result === CONDITION_FAILED) {
      // The write says only that the condition failed; a consistent read says which part did.
      const exit = await this.get(exitId);
      if (exit?.steps[stepId] === undefined) return { claimed: false, reason: 'missing' };
      return { claimed: false, reason: 'not-claimable', exit };
    }

    const exit = itemToExit(result.Attributes ?? {});
    const step = exit.steps[stepId];
    if (step === undefined) {
      throw new TransientError('DynamoDB claimStep returned an item without the claimed step');
    }
    return { claimed: true, exit, step };
  }

  async finishStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    outcome: StepOutcome,
    entry: TimelineEntry,
  ): Promise<boolean> {
    const fields: Record<string, string> =
      outcome.state === 'sent'
        ? { sentAt: outcome.at, messageId: outcome.messageId }
        : { reason: outcome.reason };
    const fieldNames = Object.keys(fields);

    const result = await this.conditional('finishStep', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exitKey(exitId),
          ConditionExpression:
            '#steps.#step.#state = :sending AND #steps.#step.#lease.#token = :token',
          UpdateExpression: [
            `SET ${[
              '#steps.#step.#state = :outcome',
              ...fieldNames.map((name) => `#steps.#step.#${name} = :${name}`),
              '#updatedAt = :at',
              '#timeline = list_append(if_not_exists(#timeline, :noEntries), :entries)',
            ].join(', ')}`,
            'REMOVE #steps.#step.#lease',
          ].join(' '),
          ExpressionAttributeNames: {
            ...STEP_NAMES,
            '#step': stepId,
            '#token': 'token',
            '#updatedAt': 'updatedAt',
            '#timeline': 'timeline',
            ...Object.fromEntries(fieldNames.map((name) => [`#${name}`, name])),
          },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':token': leaseToken,
            ':outcome': outcome.state,
            ':at': outcome.at,
            ':noEntries': [],
            ':entries': [entry],
            ...Object.fromEntries(
              Object.entries(fields).map(([name, value]) => [`:${name}`, value]),
            ),
          },
        }),
      ),
    );
    return result !== CONDITION_FAILED;
  }

  async releaseStep(exitId: string, stepId: string, leaseToken: string): Promise<void> {
    // Losing the condition is fine: the lease expired and another sender holds the step now.
    await this.conditional('releaseStep', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exitKey(exitId),
          ConditionExpression:
            '#steps.#step.#state = :sending AND #steps.#step.#lease.#token = :token',
          UpdateExpression: 'SET #steps.#step.#state = :scheduled REMOVE #steps.#step.#lease',
          ExpressionAttributeNames: { ...STEP_NAMES, '#step': stepId, '#token': 'token' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':scheduled': 'scheduled',
            ':token': leaseToken,
          },
        }),
      ),
    );
  }

  async isSuppressed(emailHash: string): Promise<boolean> {
    const { Item } = await this.call('isSuppressed', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: suppressionKey(emailHash),
          ProjectionExpression: 'pk',
          // A bounce recorded a moment ago must stop the next send.
          ConsistentRead: true,
        }),
      ),
    );
    return Item !== undefined;
  }

  /** Puts an address (by its keyed hash) on the suppression list; suppressing twice is harmless. */
  async suppress(emailHash: string, reason: string, at: string): Promise<void> {
    await this.call('suppress', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...suppressionKey(emailHash), reason, suppressedAt: at },
        }),
      ),
    );
  }

  async ping(): Promise<void> {
    // GetItem needs only the read grant the functions already have; DescribeTable would not.
    await this.call('ping', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: healthKey, ProjectionExpression: 'pk' }),
      ),
    );
  }

  /** Runs one call; any failure becomes a `TransientError` naming only the operation. */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new TransientError(`DynamoDB ${operation} failed`, { cause: error });
    }
  }

  /** Like `call`, but a failed condition is an answer, not an error. */
  private async conditional<T>(
    operation: string,
    send: () => Promise<T>,
  ): Promise<T | typeof CONDITION_FAILED> {
    try {
      return await send();
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return CONDITION_FAILED;
      throw new TransientError(`DynamoDB ${operation} failed`, { cause: error });
    }
  }
}
