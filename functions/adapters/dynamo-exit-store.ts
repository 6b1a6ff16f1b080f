/**
 * `ExitStore` on one DynamoDB table. Every state change is one conditional write on the exit's
 * item: no transactions, so the same code runs on DynamoDB and on dynalite.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../domain/errors.js';
import type { Exit, ExitStatus, Step, TimelineEntry } from '../domain/exit.js';
import {
  type ClaimResult,
  type Erasure,
  type ExitPage,
  type ExitPageRequest,
  type ExitStore,
  type HandoverConfirmation,
  type ReconcileDuePage,
  type StatusChange,
  type StepDeferral,
  type StepOutcome,
  type Suppression,
  type SurveyWrite,
  type TaskWrite,
  UNSUBSCRIBED,
} from '../domain/ports.js';
import { CONDITION_FAILED, call, conditional } from './dynamo-calls.js';
import {
  handoverUpdate,
  surveyUpdate,
  timelineUpdate,
  unsuppressDelete,
} from './dynamo-client-writes.js';
import { eraseUpdate } from './dynamo-console-writes.js';
import { exitToItem, indexItemToExit, itemToExit, searchForm } from './dynamo-exit-mapping.js';
import { byExternalIdQuery, byStatusQuery, decodeCursor, encodeCursor } from './dynamo-queries.js';
import {
  claimUpdate,
  controlUpdate,
  deferUpdate,
  finishUpdate,
  reconcileMarkUpdate,
  releaseUpdate,
  rescheduleRecordUpdate,
  statusUpdate,
} from './dynamo-step-writes.js';
import {
  controlEventKey,
  exitKey,
  healthKey,
  RECONCILE_INDEX,
  reconcilePartitions,
  STATUS_SHARDS,
  statusPartitions,
  suppressionKey,
} from './dynamo-table.js';
import { taskUpdate } from './dynamo-task-writes.js';

/**
 * A search reads at most this many rounds of index items per page: a page of few matches in a
 * large status costs a bounded number of reads, and the cursor carries on from there.
 */
const SEARCH_ROUNDS = 5;
/** Index items a search round reads (and pays for) over all partitions, matching or not. */
const SEARCH_ROUND_ITEMS = 200;

/** One partition of a list being merged: what was read and not shown yet, and where it stopped. */
/** Index keys a reconcile page reads from one partition (BatchGetItem takes at most 100). */
const RECONCILE_PAGE = 100;

/** Where a reconcile listing goes on: a partition, and its last evaluated key there. */
function encodeReconcileCursor(shard: number, startKey?: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ shard, ...(startKey ? { startKey } : {}) })).toString(
    'base64url',
  );
}

function decodeReconcileCursor(
  cursor: string | undefined,
  shards: number,
): { shard: number; startKey?: Record<string, unknown> } {
  if (cursor === undefined) return { shard: 0 };
  const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
    shard?: unknown;
    startKey?: Record<string, unknown>;
  };
  const shard = typeof parsed.shard === 'number' && parsed.shard < shards ? parsed.shard : shards;
  return { shard, ...(parsed.startKey ? { startKey: parsed.startKey } : {}) };
}

interface PartitionRead {
  partition: string;
  buffer: Record<string, unknown>[];
  /** Its last evaluated key, to read on from. */
  startKey?: Record<string, unknown>;
  /** The sort key it has been read up to (every item at or before it is in hand or shown). */
  frontier?: string;
  done: boolean;
}

export class DynamoExitStore implements ExitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(exit: Exit): Promise<'created' | 'exists'> {
    const result = await conditional('create', () =>
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

  /**
   * One page of the `byReconcileAt` index (keys only), partition after partition, then those
   * exits' steps by key in one BatchGetItem: the run reads what is due, not what is stored.
   */
  async listReconcileDue(now: string, cursor?: string): Promise<ReconcileDuePage> {
    const partitions = reconcilePartitions();
    let { shard, startKey } = decodeReconcileCursor(cursor, partitions.length);
    while (shard < partitions.length) {
      const page = await call('listReconcileDue', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: RECONCILE_INDEX,
            KeyConditionExpression: '#pk = :pk AND #sk <= :now',
            ExpressionAttributeNames: { '#pk': 'gsi3pk', '#sk': 'gsi3sk' },
            ExpressionAttributeValues: { ':pk': partitions[shard], ':now': now },
            Limit: RECONCILE_PAGE,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      startKey = page.LastEvaluatedKey;
      if (!startKey) shard += 1;
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }));
      if (keys.length === 0) continue;
      const exits = (await this.batchGetForReconcile(keys))
        .filter((item) => item.status === 'active' && typeof item.gsi3sk === 'string')
        .map((item) => ({
          exit: {
            id: String(item.id),
            status: 'active' as const,
            steps: item.steps as Exit['steps'],
          },
          mark: String(item.gsi3sk),
        }));
      const next = shard < partitions.length ? encodeReconcileCursor(shard, startKey) : undefined;
      return { exits, ...(next ? { cursor: next } : {}) };
    }
    return { exits: [] };
  }

  /** The few attributes the reconciler decides from; unprocessed keys are asked for again. */
  private async batchGetForReconcile(
    keys: Record<string, unknown>[],
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending = keys;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round >= 10) throw new TransientError('The reconciler could not read its exits');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const result = await call('listReconcileDue', () =>
        this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ProjectionExpression: '#id, #status, #steps, #mark',
                ExpressionAttributeNames: {
                  '#id': 'id',
                  '#status': 'status',
                  '#steps': 'steps',
                  '#mark': 'gsi3sk',
                },
              },
            },
          }),
        ),
      );
      items.push(...(result.Responses?.[this.tableName] ?? []));
      pending = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
    return items;
  }

  async markReconciled(exitId: string, seen: string, next: string): Promise<boolean> {
    const result = await conditional('markReconciled', () =>
      this.client.send(new UpdateCommand(reconcileMarkUpdate(this.tableName, exitId, seen, next))),
    );
    return result !== CONDITION_FAILED;
  }

  async get(exitId: string): Promise<Exit | undefined> {
    const { Item } = await call('get', () =>
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
    const result = await conditional('claimStep', () =>
      this.client.send(new UpdateCommand(claimUpdate(this.tableName, exitId, stepId, lease))),
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
    const command = finishUpdate(this.tableName, exitId, stepId, leaseToken, outcome, entry, next);
    const result = await conditional('finishStep', () =>
      this.client.send(new UpdateCommand(command)),
    );
    return result !== CONDITION_FAILED;
  }

  async releaseStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    entry?: TimelineEntry,
  ): Promise<void> {
    // Losing the condition is fine: the lease expired and another sender holds the step now.
    await conditional('releaseStep', () =>
      this.client.send(
        new UpdateCommand(releaseUpdate(this.tableName, exitId, stepId, leaseToken, entry)),
      ),
    );
  }

  async deferStep(
    exitId: string,
    stepId: string,
    leaseToken: string,
    deferral: StepDeferral,
  ): Promise<boolean> {
    const result = await conditional('deferStep', () =>
      this.client.send(
        new UpdateCommand(deferUpdate(this.tableName, exitId, stepId, leaseToken, deferral)),
      ),
    );
    return result !== CONDITION_FAILED;
  }

  async changeStatus(exitId: string, change: StatusChange): Promise<Exit | undefined> {
    const result = await conditional('changeStatus', () =>
      this.client.send(new UpdateCommand(statusUpdate(this.tableName, exitId, change))),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async recordControl(exitId: string, status: ExitStatus, controlAt: string): Promise<boolean> {
    const result = await conditional('recordControl', () =>
      this.client.send(new UpdateCommand(controlUpdate(this.tableName, exitId, status, controlAt))),
    );
    return result !== CONDITION_FAILED;
  }

  async recordReschedule(exitId: string, effectiveOn: string, sentAt: string): Promise<boolean> {
    const result = await conditional('recordReschedule', () =>
      this.client.send(
        new UpdateCommand(rescheduleRecordUpdate(this.tableName, exitId, effectiveOn, sentAt)),
      ),
    );
    return result !== CONDITION_FAILED;
  }

  /**
   * Reads every partition of the status (its shards and the legacy one) and merges them in sort
   * key order, as one partition would list them. Each partition is read a little at a time and
   * read on only when its next items could come before what the others hold, so a page reads
   * about twice what it shows. A search stops after a bounded number of queries; its cursor then
   * resumes after the last key every partition has been read up to.
   */
  async listByStatus(status: ExitStatus, page: ExitPageRequest = {}): Promise<ExitPage> {
    const search = page.search ? searchForm(page.search.trim()) : '';
    const overdueBefore = page.overdueBefore;
    // A filter (a search, overdue tasks) reads in bounded rounds, matching or not.
    const filtered = search !== '' || overdueBefore !== undefined;
    const limit = page.limit ?? 100;
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const partitions = statusPartitions(status);
    const perQuery = filtered
      ? Math.ceil(SEARCH_ROUND_ITEMS / STATUS_SHARDS)
      : Math.ceil(limit / STATUS_SHARDS) + 1;
    const maxQueries = filtered ? SEARCH_ROUNDS * partitions.length : Number.POSITIVE_INFINITY;
    const sources: PartitionRead[] = partitions.map((partition) => ({
      partition,
      buffer: [],
      done: false,
      ...(after ? { frontier: after } : {}),
    }));
    const sortKey = (item: Record<string, unknown>) => String(item.gsi1sk);
    const shown: Record<string, unknown>[] = [];
    let queries = 0;
    let capped: string | undefined;
    while (shown.length < limit) {
      let head: PartitionRead | undefined;
      for (const source of sources) {
        const first = source.buffer[0];
        const best = head?.buffer[0];
        if (first && (!best || sortKey(first) < sortKey(best))) head = source;
      }
      const headKey = head?.buffer[0] ? sortKey(head.buffer[0]) : undefined;
      // A partition with nothing in hand may still hold keys before the head: read it on first.
      const behind = sources.filter(
        (source) =>
          !source.done &&
          source.buffer.length === 0 &&
          (headKey === undefined || (source.frontier ?? '') < headKey),
      );
      if (behind.length === 0) {
        const next = head?.buffer.shift();
        if (!next) break;
        shown.push(next);
        continue;
      }
      if (queries + behind.length > maxQueries) {
        // Every item up to the lowest frontier is shown or did not match: resume after it.
        capped = behind.map((source) => source.frontier ?? '').sort()[0];
        break;
      }
      queries += behind.length;
      await Promise.all(
        behind.map((source) => this.readOn(source, perQuery, { search, overdueBefore }, after)),
      );
    }
    const more = sources.some((source) => source.buffer.length > 0 || !source.done);
    const last = shown.at(-1);
    const resume = capped ?? (last ? sortKey(last) : after);
    return {
      exits: shown.map(indexItemToExit),
      ...(more && resume ? { cursor: encodeCursor(resume) } : {}),
    };
  }

  /** The next query of one partition of a list, from where it stopped. */
  private async readOn(
    source: PartitionRead,
    limit: number,
    filter: { search: string; overdueBefore: string | undefined },
    after: string | undefined,
  ): Promise<void> {
    const query = byStatusQuery(this.tableName, source.partition, {
      limit,
      ...(after ? { after } : {}),
      ...(source.startKey ? { startKey: source.startKey } : {}),
      ...(filter.search ? { search: filter.search } : {}),
      ...(filter.overdueBefore ? { overdueBefore: filter.overdueBefore } : {}),
    });
    const { Items, LastEvaluatedKey } = await call('listByStatus', () =>
      this.client.send(new QueryCommand(query)),
    );
    source.buffer.push(...(Items ?? []));
    if (LastEvaluatedKey) {
      source.startKey = LastEvaluatedKey;
      source.frontier = String(LastEvaluatedKey.gsi1sk);
    } else {
      source.done = true;
    }
  }

  async findByExternalId(externalId: string, max = Number.POSITIVE_INFINITY): Promise<string[]> {
    // Every page, not the first: a control must reach every exit started with the id.
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await call('findByExternalId', () =>
        this.client.send(new QueryCommand(byExternalIdQuery(this.tableName, externalId, startKey))),
      );
      for (const item of page.Items ?? []) {
        const pk = item.pk;
        if (typeof pk === 'string' && pk.startsWith('exit#')) ids.push(pk.slice('exit#'.length));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && ids.length <= max);
    return ids.length > max ? ids.slice(0, max + 1) : ids;
  }

  async isSuppressed(emailHash: string): Promise<boolean> {
    const { Item } = await call('isSuppressed', () =>
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

  async controlAnswer(eventId: string): Promise<unknown> {
    const { Item } = await call('controlAnswer', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: controlEventKey(eventId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? JSON.parse(String(Item.answer)) : undefined;
  }

  async rememberControlAnswer(
    eventId: string,
    answer: unknown,
    expiresAt: string,
  ): Promise<unknown> {
    const result = await conditional('rememberControlAnswer', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...controlEventKey(eventId),
            answer: JSON.stringify(answer),
            // Epoch seconds: the table's TTL attribute removes the record once replays are refused.
            expiresAt: Math.ceil(Date.parse(expiresAt) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    if (result !== CONDITION_FAILED) return answer;
    return (await this.controlAnswer(eventId)) ?? answer;
  }

  /**
   * Keeps the first suppression of an address, so a late write never loses an earlier reason:
   * an unsubscribe racing a bounce must not turn the bounce into an unsubscribe the client could
   * then undo. Only an unsubscribe gives way, to a stronger reason (bounce, complaint, rejection,
   * erasure). A refused write is the answer "already suppressed", not an error.
   */
  async suppress(emailHash: string, reason: string, at: string): Promise<void> {
    const stronger = reason !== UNSUBSCRIBED;
    await conditional('suppress', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...suppressionKey(emailHash), reason, suppressedAt: at },
          ConditionExpression: stronger
            ? 'attribute_not_exists(pk) OR #reason = :unsubscribed'
            : 'attribute_not_exists(pk)',
          ...(stronger
            ? {
                ExpressionAttributeNames: { '#reason': 'reason' },
                ExpressionAttributeValues: { ':unsubscribed': UNSUBSCRIBED },
              }
            : {}),
        }),
      ),
    );
  }

  async suppression(emailHash: string): Promise<Suppression | undefined> {
    const { Item } = await call('suppression', () =>
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
    const result = await conditional('unsuppress', () =>
      this.client.send(new DeleteCommand(unsuppressDelete(this.tableName, emailHash, reason))),
    );
    return result !== CONDITION_FAILED;
  }

  async recordSurvey(exitId: string, write: SurveyWrite): Promise<Exit | undefined> {
    const result = await conditional('recordSurvey', () =>
      this.client.send(new UpdateCommand(surveyUpdate(this.tableName, exitId, write))),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async writeTasks(exitId: string, write: TaskWrite): Promise<Exit | undefined> {
    const result = await conditional('writeTasks', () =>
      this.client.send(new UpdateCommand(taskUpdate(this.tableName, exitId, write))),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async confirmHandover(
    exitId: string,
    confirmation: HandoverConfirmation,
  ): Promise<Exit | undefined> {
    const result = await conditional('confirmHandover', () =>
      this.client.send(new UpdateCommand(handoverUpdate(this.tableName, exitId, confirmation))),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async addToTimeline(exitId: string, entry: TimelineEntry): Promise<boolean> {
    const result = await conditional('addToTimeline', () =>
      this.client.send(new UpdateCommand(timelineUpdate(this.tableName, exitId, entry))),
    );
    return result !== CONDITION_FAILED;
  }

  async erase(exitId: string, erasure: Erasure): Promise<Exit | undefined> {
    const result = await conditional('erase', () =>
      this.client.send(new UpdateCommand(eraseUpdate(this.tableName, exitId, erasure))),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return itemToExit(result.Attributes);
  }

  async ping(): Promise<void> {
    // GetItem needs only the read grant the functions already have; DescribeTable would not.
    await call('ping', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: healthKey, ProjectionExpression: 'pk' }),
      ),
    );
  }
}
