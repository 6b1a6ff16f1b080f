/**
 * `ExitStore` on one DynamoDB table. Every state change is one conditional write on the exit's
 * item: no transactions, so the same code runs on DynamoDB and on dynalite.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransientError, ValidationError } from '../domain/errors.js';
import type { Exit, ExitStatus, Step, TimelineEntry } from '../domain/exit.js';
import type {
  ClaimResult,
  ExitPage,
  ExitStore,
  StatusChange,
  StepOutcome,
  Suppression,
  SurveyWrite,
} from '../domain/ports.js';
import { surveyUpdate, timelineUpdate, unsuppressDelete } from './dynamo-client-writes.js';
import { exitToItem, itemToExit } from './dynamo-exit-mapping.js';
import {
  EXTERNAL_ID_INDEX,
  exitKey,
  externalIdPartition,
  healthKey,
  isNamed,
  STATUS_INDEX,
  statusPartition,
  suppressionKey,
} from './dynamo-table.js';
import { UpdateBuilder } from './dynamo-update.js';

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is the last key of a byStatus page: exactly these four strings, in that partition. */
function decodeCursor(cursor: string, partition: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const entries = Object.entries(key);
      const wanted = ['gsi1pk', 'gsi1sk', 'pk', 'sk'];
      const shaped =
        entries.length === wanted.length &&
        entries.every(([name, value]) => wanted.includes(name) && typeof value === 'string');
      if (shaped && (key as Record<string, string>).gsi1pk === partition) {
        return key as Record<string, string>;
      }
    }
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this app gave out' }]);
}

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
    next?: Step,
  ): Promise<boolean> {
    if (next) return this.finishWithNext(exitId, stepId, leaseToken, outcome, entry, next);
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

  async releaseStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    entry?: TimelineEntry,
  ): Promise<void> {
    const update = new UpdateBuilder();
    const step = ['steps', stepId];
    update
      .condition(`${update.path([...step, 'state'])} = ${update.value('sending')}`)
      .condition(`${update.path([...step, 'lease', 'token'])} = ${update.value(leaseToken)}`)
      .set([...step, 'state'], 'scheduled')
      .remove([...step, 'lease']);
    if (entry) update.appendToList(['timeline'], [entry]).set(['updatedAt'], entry.at);
    // Losing the condition is fine: the lease expired and another sender holds the step now.
    await this.conditional('releaseStep', () =>
      this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: exitKey(exitId), ...update.build() }),
      ),
    );
  }

  async changeStatus(exitId: string, change: StatusChange): Promise<Exit | undefined> {
    const update = new UpdateBuilder();
    const status = update.path(['status']);
    update.condition(`${status} IN (${change.from.map((from) => update.value(from)).join(', ')})`);
    const mustBeScheduled = (stepId: string) =>
      update.condition(`${update.path(['steps', stepId, 'state'])} = ${update.value('scheduled')}`);
    update.set(['status'], change.to).set(['updatedAt'], change.at);
    // The console lists exits by status: the index key moves with the status, in the same write.
    update.set(['gsi1pk'], statusPartition(change.to));
    for (const stepId of change.skip?.stepIds ?? []) {
      mustBeScheduled(stepId);
      update
        .set(['steps', stepId, 'state'], 'skipped')
        .set(['steps', stepId, 'reason'], change.skip?.reason ?? '');
    }
    for (const [stepId, dueAt] of Object.entries(change.reschedule ?? {})) {
      mustBeScheduled(stepId);
      update.set(['steps', stepId, 'dueAt'], dueAt);
    }
    for (const stepId of change.remove ?? []) {
      mustBeScheduled(stepId);
      update.remove(['steps', stepId]);
    }
    for (const step of change.add ?? []) {
      update.condition(`attribute_not_exists(${update.path(['steps', step.id])})`);
      update.set(['steps', step.id], step);
    }
    update.appendToList(['timeline'], [change.entry]);
    const result = await this.conditional('changeStatus', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: exitKey(exitId),
          ...update.build(),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async listByStatus(
    status: ExitStatus,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<ExitPage> {
    const start = page.cursor ? decodeCursor(page.cursor, statusPartition(status)) : undefined;
    const { Items, LastEvaluatedKey } = await this.call('listByStatus', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'gsi1pk' },
          ExpressionAttributeValues: { ':pk': statusPartition(status) },
          Limit: page.limit ?? 100,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    );
    return {
      exits: (Items ?? []).map(itemToExit),
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  async findByExternalId(externalId: string): Promise<string[]> {
    const { Items } = await this.call('findByExternalId', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: EXTERNAL_ID_INDEX,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'gsi2pk' },
          ExpressionAttributeValues: { ':pk': externalIdPartition(externalId) },
          ScanIndexForward: false,
          Limit: 50,
        }),
      ),
    );
    return (Items ?? []).flatMap((item) => {
      const pk = item.pk;
      return typeof pk === 'string' && pk.startsWith('exit#') ? [pk.slice('exit#'.length)] : [];
    });
  }

  /** finishStep that also adds the following step, which must not exist yet, in the same write. */
  private async finishWithNext(
    exitId: string,
    stepId: string,
    leaseToken: string,
    outcome: StepOutcome,
    entry: TimelineEntry,
    next: Step,
  ): Promise<boolean> {
    const update = new UpdateBuilder();
    const step = ['steps', stepId];
    update
      .condition(`${update.path([...step, 'state'])} = ${update.value('sending')}`)
      .condition(`${update.path([...step, 'lease', 'token'])} = ${update.value(leaseToken)}`)
      .condition(`attribute_not_exists(${update.path(['steps', next.id])})`)
      .set([...step, 'state'], outcome.state);
    if (outcome.state === 'sent') {
      update.set([...step, 'sentAt'], outcome.at).set([...step, 'messageId'], outcome.messageId);
    } else {
      update.set([...step, 'reason'], outcome.reason);
    }
    update
      .remove([...step, 'lease'])
      .set(['steps', next.id], next)
      .set(['updatedAt'], outcome.at)
      .appendToList(['timeline'], [entry]);
    const result = await this.conditional('finishStep', () =>
      this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: exitKey(exitId), ...update.build() }),
      ),
    );
    return result !== CONDITION_FAILED;
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

  async suppression(emailHash: string): Promise<Suppression | undefined> {
    const { Item } = await this.call('suppression', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: suppressionKey(emailHash),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    return { reason: String(Item.reason ?? ''), at: String(Item.suppressedAt ?? '') };
  }

  async unsuppress(emailHash: string, reason: string): Promise<boolean> {
    const result = await this.conditional('unsuppress', () =>
      this.client.send(new DeleteCommand(unsuppressDelete(this.tableName, emailHash, reason))),
    );
    return result !== CONDITION_FAILED;
  }

  async recordSurvey(exitId: string, write: SurveyWrite): Promise<Exit | undefined> {
    const result = await this.conditional('recordSurvey', () =>
      this.client.send(new UpdateCommand(surveyUpdate(this.tableName, exitId, write))),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async addToTimeline(exitId: string, entry: TimelineEntry): Promise<boolean> {
    const result = await this.conditional('addToTimeline', () =>
      this.client.send(new UpdateCommand(timelineUpdate(this.tableName, exitId, entry))),
    );
    return result !== CONDITION_FAILED;
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
