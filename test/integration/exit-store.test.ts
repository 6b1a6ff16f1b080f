import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitToItem, itemToExit } from '../../functions/adapters/dynamo-exit-mapping.js';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { backfillStatusShards } from '../../functions/adapters/dynamo-status-backfill.js';
import {
  ensureTable,
  legacyStatusPartition,
  STATUS_INDEX,
  STATUS_SHARDS,
  statusPartition,
  statusPartitions,
} from '../../functions/adapters/dynamo-table.js';
import { TransientError, ValidationError } from '../../functions/domain/errors.js';
import type { Exit, Step } from '../../functions/domain/exit.js';
import type { StatusChange, StepOutcome } from '../../functions/domain/ports.js';
import { buildExit, createExit } from '../support/exit-fixture.js';
import { documentClient, localDynamoClient, startLocalTable } from '../support/local-clients.js';
import { startDynalite } from '../support/local-services.js';
import { startForFile } from '../support/start-for-file.js';

const tableName = 'farewell-test';
const now = '2025-03-03T09:02:00.000Z';
const leaseEnd = '2025-03-03T09:07:00.000Z';
const afterLeaseEnd = '2025-03-03T09:08:00.000Z';
const sent: StepOutcome = { state: 'sent', at: '2025-03-03T09:02:05.000Z', messageId: 'ses-1' };
const sentEntry = { at: '2025-03-03T09:02:05.000Z', event: 'step.sent', stepId: 'notice' };
const checkIn2: Step = {
  id: 'check-in-2',
  kind: 'check-in',
  dueAt: '2026-03-31T08:00:00Z',
  state: 'scheduled',
  attempts: 0,
};

describe('DynamoExitStore', () => {
  const table = startForFile(() => startLocalTable(tableName));
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let store: DynamoExitStore;

  beforeAll(() => {
    ({ client, documents } = table);
    store = new DynamoExitStore(documents, tableName);
  });

  const storedExit = (overrides: Partial<Exit> = {}) => createExit(store, overrides);

  describe('ensureTable', () => {
    it('does nothing when the table already exists', async () => {
      await expect(ensureTable(client, tableName)).resolves.toBeUndefined();
    });
  });

  describe('create and get', () => {
    it('gets back exactly the exit it created', async () => {
      const exit = buildExit();

      const result = await store.create(exit);

      expect(result).toBe('created');
      expect(await store.get(exit.id)).toEqual(exit);
    });

    it('answers exists to a second create and keeps the first exit', async () => {
      const first = buildExit();
      await store.create(first);
      const second = buildExit({ id: first.id, reason: 'replayed webhook' });

      const result = await store.create(second);

      expect(result).toBe('exists');
      expect(await store.get(first.id)).toEqual(first);
    });

    it('gets undefined for an unknown exit', async () => {
      expect(await store.get('no-such-exit')).toBeUndefined();
    });
  });

  describe('claimStep', () => {
    it('claims a scheduled step and counts the attempt', async () => {
      const exit = await storedExit();

      const result = await store.claimStep(exit.id, 'notice', {
        token: 'a',
        now,
        expiresAt: leaseEnd,
      });

      expect(result).toMatchObject({
        claimed: true,
        step: { state: 'sending', attempts: 1, lease: { token: 'a', expiresAt: leaseEnd } },
        exit: { id: exit.id, updatedAt: now },
      });
    });

    it('refuses a second claim while the lease holds', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });

      const result = await store.claimStep(exit.id, 'notice', {
        token: 'b',
        now,
        expiresAt: leaseEnd,
      });

      expect(result).toMatchObject({
        claimed: false,
        reason: 'not-claimable',
        exit: { id: exit.id },
      });
      expect((await store.get(exit.id))?.steps.notice?.lease?.token).toBe('a');
    });

    it('re-claims a sending step whose lease expired, with the new token', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });

      const result = await store.claimStep(exit.id, 'notice', {
        token: 'b',
        now: afterLeaseEnd,
        expiresAt: '2025-03-03T09:13:00.000Z',
      });

      expect(result).toMatchObject({
        claimed: true,
        step: { state: 'sending', attempts: 2, lease: { token: 'b' } },
      });
    });

    it('lets exactly one of ten concurrent claims win', async () => {
      const exit = await storedExit();

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.claimStep(exit.id, 'notice', { token: `t${i}`, now, expiresAt: leaseEnd }),
        ),
      );

      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      expect((await store.get(exit.id))?.steps.notice?.attempts).toBe(1);
    });

    it('answers missing for an unknown exit', async () => {
      const result = await store.claimStep('no-such-exit', 'notice', {
        token: 'a',
        now,
        expiresAt: leaseEnd,
      });

      expect(result).toEqual({ claimed: false, reason: 'missing' });
    });

    it('answers missing for an unknown step', async () => {
      const exit = await storedExit();

      const result = await store.claimStep(exit.id, 'check-in-9', {
        token: 'a',
        now,
        expiresAt: leaseEnd,
      });

      expect(result).toEqual({ claimed: false, reason: 'missing' });
    });

    it('refuses to claim a step that was already sent', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });
      await store.finishStep(exit.id, 'notice', 'a', sent, sentEntry);

      const result = await store.claimStep(exit.id, 'notice', {
        token: 'b',
        now: afterLeaseEnd,
        expiresAt: '2025-03-03T09:13:00.000Z',
      });

      expect(result).toMatchObject({ claimed: false, reason: 'not-claimable' });
    });

    it('claims hyphenated step ids without touching the other steps', async () => {
      const exit = await storedExit();

      const result = await store.claimStep(exit.id, 'survey-reminder', {
        token: 'a',
        now,
        expiresAt: leaseEnd,
      });

      expect(result.claimed).toBe(true);
      const stored = await store.get(exit.id);
      expect(stored?.steps['survey-reminder']?.state).toBe('sending');
      expect(stored?.steps.survey).toEqual(exit.steps.survey);
      expect(stored?.steps['check-in-1']).toEqual(exit.steps['check-in-1']);
    });
  });

  describe('finishStep', () => {
    it('records a sent step with its message id and appends one timeline entry', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });

      const finished = await store.finishStep(exit.id, 'notice', 'a', sent, sentEntry);

      expect(finished).toBe(true);
      const stored = await store.get(exit.id);
      expect(stored?.steps.notice).toEqual({
        ...exit.steps.notice,
        state: 'sent',
        attempts: 1,
        sentAt: sent.at,
        messageId: 'ses-1',
      });
      expect(stored?.timeline).toEqual([...exit.timeline, sentEntry]);
      expect(stored?.updatedAt).toBe(sent.at);
    });

    it('records why a hyphenated step failed', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'check-in-1', { token: 'a', now, expiresAt: leaseEnd });
      const failed: StepOutcome = { state: 'failed', at: now, reason: 'address rejected' };

      await store.finishStep(exit.id, 'check-in-1', 'a', failed, {
        at: now,
        event: 'step.failed',
        stepId: 'check-in-1',
      });

      expect((await store.get(exit.id))?.steps['check-in-1']).toMatchObject({
        state: 'failed',
        reason: 'address rejected',
      });
    });

    it('commits the sent step and adds the next step in the same write', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'check-in-1', { token: 'a', now, expiresAt: leaseEnd });
      const entry = { at: sent.at, event: 'step.sent', stepId: 'check-in-1' };

      const finished = await store.finishStep(exit.id, 'check-in-1', 'a', sent, entry, checkIn2);

      expect(finished).toBe(true);
      const stored = await store.get(exit.id);
      expect(stored?.steps['check-in-1']).toMatchObject({ state: 'sent', messageId: 'ses-1' });
      expect(stored?.steps['check-in-1']?.lease).toBeUndefined();
      expect(stored?.steps['check-in-2']).toEqual(checkIn2);
      expect(stored?.timeline).toEqual([...exit.timeline, entry]);
    });

    it('returns false and writes nothing when the next step already exists', async () => {
      const exit = buildExit();
      await store.create({ ...exit, steps: { ...exit.steps, 'check-in-2': checkIn2 } });
      await store.claimStep(exit.id, 'check-in-1', { token: 'a', now, expiresAt: leaseEnd });
      const before = await store.get(exit.id);
      const next = { ...checkIn2, dueAt: '2027-03-31T08:00:00Z' };

      const finished = await store.finishStep(
        exit.id,
        'check-in-1',
        'a',
        sent,
        { at: sent.at, event: 'step.sent', stepId: 'check-in-1' },
        next,
      );

      expect(finished).toBe(false);
      expect(await store.get(exit.id)).toEqual(before);
    });

    it('returns false and changes nothing when the lease was taken over', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });
      await store.claimStep(exit.id, 'notice', {
        token: 'b',
        now: afterLeaseEnd,
        expiresAt: '2025-03-03T09:13:00.000Z',
      });
      const before = await store.get(exit.id);

      const finished = await store.finishStep(exit.id, 'notice', 'a', sent, sentEntry);

      expect(finished).toBe(false);
      expect(await store.get(exit.id)).toEqual(before);
    });
  });

  describe('recordControl', () => {
    it('records a later control while the status matches, and refuses an older or equal one', async () => {
      const exit = await storedExit();

      const later = await store.recordControl(exit.id, 'active', '2025-03-04T10:00:00.000Z');
      const older = await store.recordControl(exit.id, 'active', '2025-03-04T09:00:00.000Z');
      const same = await store.recordControl(exit.id, 'active', '2025-03-04T10:00:00.000Z');

      expect([later, older, same]).toEqual([true, false, false]);
      const after = await store.get(exit.id);
      expect(after?.lastControlAt).toBe('2025-03-04T10:00:00.000Z');
      expect(after?.updatedAt).toBe(exit.updatedAt);
      expect(after?.timeline).toEqual(exit.timeline);
    });

    it('writes nothing when the status is not the one the control found', async () => {
      const exit = await storedExit({ status: 'cancelled' });

      expect(await store.recordControl(exit.id, 'active', '2025-03-04T10:00:00.000Z')).toBe(false);
      expect((await store.get(exit.id))?.lastControlAt).toBeUndefined();
    });
  });

  describe('releaseStep', () => {
    it('returns the step to scheduled so it can be claimed again', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });

      await store.releaseStep(exit.id, 'notice', 'a');

      expect((await store.get(exit.id))?.steps.notice).toEqual({
        ...exit.steps.notice,
        attempts: 1,
      });
      const again = await store.claimStep(exit.id, 'notice', {
        token: 'b',
        now,
        expiresAt: leaseEnd,
      });
      expect(again).toMatchObject({ claimed: true, step: { attempts: 2 } });
    });

    it('changes nothing with a token that does not hold the claim', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });
      const before = await store.get(exit.id);

      await store.releaseStep(exit.id, 'notice', 'not-a');

      expect(await store.get(exit.id)).toEqual(before);
    });
  });

  describe('releaseStep with an entry', () => {
    it('appends the entry to the timeline in the same write', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });
      const entry = {
        at: afterLeaseEnd,
        event: 'step.held',
        stepId: 'notice',
        detail: 'exit paused',
      };

      await store.releaseStep(exit.id, 'notice', 'a', entry);

      const stored = await store.get(exit.id);
      expect(stored?.steps.notice?.state).toBe('scheduled');
      expect(stored?.timeline).toEqual([...exit.timeline, entry]);
      expect(stored?.updatedAt).toBe(afterLeaseEnd);
    });
  });

  describe('changeStatus', () => {
    const at = '2025-03-04T10:00:00.000Z';

    function change(overrides: Partial<StatusChange> = {}): StatusChange {
      return {
        from: ['active'],
        to: 'cancelled',
        at,
        entry: { at, event: 'exit.cancelled' },
        ...overrides,
      };
    }

    async function idsListedAs(status: Exit['status']): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listByStatus(status, cursor ? { cursor } : {});
        ids.push(...page.exits.map((e) => e.id));
        cursor = page.cursor;
      } while (cursor);
      return ids;
    }

    it('moves the status and the byStatus index entry together', async () => {
      const exit = await storedExit();

      const after = await store.changeStatus(exit.id, change());

      expect(after?.status).toBe('cancelled');
      expect(after?.updatedAt).toBe(at);
      expect(await idsListedAs('cancelled')).toContain(exit.id);
      expect(await idsListedAs('active')).not.toContain(exit.id);
    });

    it('returns undefined and changes nothing when the status is not one of from', async () => {
      const exit = await storedExit();
      const before = await store.get(exit.id);

      const after = await store.changeStatus(exit.id, change({ from: ['paused'], to: 'active' }));

      expect(after).toBeUndefined();
      expect(await store.get(exit.id)).toEqual(before);
    });

    it('marks the named scheduled steps skipped, with the reason, in the same write', async () => {
      const exit = await storedExit();

      const after = await store.changeStatus(
        exit.id,
        change({ skip: { stepIds: ['gratitude', 'survey-reminder'], reason: 'exit cancelled' } }),
      );

      expect(after?.status).toBe('cancelled');
      expect(after?.steps.gratitude).toEqual({
        ...exit.steps.gratitude,
        state: 'skipped',
        reason: 'exit cancelled',
      });
      expect(after?.steps['survey-reminder']).toMatchObject({
        state: 'skipped',
        reason: 'exit cancelled',
      });
      expect(after?.steps.survey).toEqual(exit.steps.survey);
      expect(await store.get(exit.id)).toEqual(after);
    });

    it('fails the whole change when a step to skip is being sent', async () => {
      const exit = await storedExit();
      await store.claimStep(exit.id, 'notice', { token: 'a', now, expiresAt: leaseEnd });
      const before = await store.get(exit.id);

      const after = await store.changeStatus(
        exit.id,
        change({ skip: { stepIds: ['notice', 'gratitude'], reason: 'exit cancelled' } }),
      );

      expect(after).toBeUndefined();
      expect(await store.get(exit.id)).toEqual(before);
    });

    it('moves the due time of a rescheduled step', async () => {
      const exit = await storedExit({ status: 'paused' });

      const after = await store.changeStatus(
        exit.id,
        change({
          from: ['paused'],
          to: 'active',
          reschedule: { 'survey-reminder': '2025-04-14T08:00:00Z' },
        }),
      );

      expect(after?.steps['survey-reminder']).toEqual({
        ...exit.steps['survey-reminder'],
        dueAt: '2025-04-14T08:00:00Z',
      });
      expect(after?.steps.survey).toEqual(exit.steps.survey);
    });

    it('deletes a removed step', async () => {
      const exit = await storedExit();

      const after = await store.changeStatus(
        exit.id,
        change({ from: ['active'], to: 'active', remove: ['check-in-1'] }),
      );

      expect(after).toBeDefined();
      expect(after?.steps['check-in-1']).toBeUndefined();
      expect(Object.keys(after?.steps ?? {}).sort()).toEqual(
        ['gratitude', 'notice', 'survey', 'survey-reminder'].sort(),
      );
    });

    it('adds a new step', async () => {
      const exit = await storedExit();

      const after = await store.changeStatus(
        exit.id,
        change({ from: ['active'], to: 'active', add: [checkIn2] }),
      );

      expect(after?.steps['check-in-2']).toEqual(checkIn2);
    });

    it('fails the whole change when a step to add already exists', async () => {
      const exit = await storedExit();
      const before = await store.get(exit.id);
      const clash: Step = { ...checkIn2, id: 'check-in-1', dueAt: '2026-09-30T08:00:00Z' };

      const after = await store.changeStatus(exit.id, change({ add: [clash] }));

      expect(after).toBeUndefined();
      expect(await store.get(exit.id)).toEqual(before);
    });

    it('appends the timeline entry', async () => {
      const exit = await storedExit();
      const entry = { at, event: 'exit.cancelled', detail: 'Cancelled from the console.' };

      const after = await store.changeStatus(exit.id, change({ entry }));

      expect(after?.timeline).toEqual([...exit.timeline, entry]);
    });
  });

  describe('changeStatus with a replan', () => {
    const at = '2025-03-04T10:00:00.000Z';
    const replan = (from: string, to: string): StatusChange => ({
      from: ['active'],
      to: 'active',
      at,
      entry: { at, event: 'exit.replanned' },
      effectiveOn: to,
      replannedFrom: from,
    });

    it('refuses a replan decided from a date a concurrent change has already moved', async () => {
      const exit = await storedExit();
      const first = await store.changeStatus(exit.id, replan(exit.effectiveOn, '2031-06-13'));
      // Decided from the same read as the first: it must not land on the first one's plan.
      const stale = await store.changeStatus(exit.id, replan(exit.effectiveOn, '2031-07-01'));

      expect(first?.effectiveOn).toBe('2031-06-13');
      expect(stale).toBeUndefined();
      expect((await store.get(exit.id))?.effectiveOn).toBe('2031-06-13');
    });
  });

  describe('listByStatus', () => {
    const listingTable = 'farewell-test-listing';
    let listing: DynamoExitStore;

    beforeAll(async () => {
      await ensureTable(client, listingTable);
      listing = new DynamoExitStore(documents, listingTable);
    });

    it('pages through every exit of a status, each once, oldest first', async () => {
      const exits = [1, 2, 3, 4, 5].map((day) =>
        buildExit({ createdAt: `2025-03-0${day}T09:00:00.000Z` }),
      );
      // Created out of order: the index, not the insertion, decides the order.
      for (const exit of [...exits].reverse()) await listing.create(exit);
      await listing.create(buildExit({ status: 'paused' }));

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await listing.listByStatus('active', {
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.exits.map((e) => e.id));
        cursor = page.cursor;
      } while (cursor && pages.length < 10);

      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(exits.map((e) => e.id));
    });

    it('rejects a cursor it did not give out with a ValidationError', async () => {
      await expect(
        listing.listByStatus('active', { cursor: 'not-a-cursor' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('rejects a well-formed cursor that is not a key of the index with a ValidationError', async () => {
      const forged = Buffer.from(JSON.stringify({ pk: 'exit#x1' })).toString('base64url');

      await expect(listing.listByStatus('active', { cursor: forged })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });
  });

  describe('findByExternalId', () => {
    it('returns the ids of the exits with that external id, newest first', async () => {
      const externalId = `crm-${randomUUID()}`;
      const older = buildExit({ externalId, createdAt: '2025-01-10T09:00:00.000Z' });
      const newer = buildExit({ externalId, createdAt: '2025-02-10T09:00:00.000Z' });
      await store.create(newer);
      await store.create(older);
      await store.create(buildExit({ externalId: `crm-${randomUUID()}` }));

      const ids = await store.findByExternalId(externalId);

      expect(ids).toEqual([newer.id, older.id]);
    });

    it('returns no ids for an unknown external id', async () => {
      expect(await store.findByExternalId(`crm-${randomUUID()}`)).toEqual([]);
    });
  });

  describe('suppression', () => {
    it('does not report an address that was never suppressed', async () => {
      expect(await store.isSuppressed(`hash-${randomUUID()}`)).toBe(false);
    });

    it('reports an address once it is suppressed', async () => {
      const emailHash = `hash-${randomUUID()}`;

      await store.suppress(emailHash, 'bounce', now);

      expect(await store.isSuppressed(emailHash)).toBe(true);
    });
  });

  describe('ping', () => {
    it('resolves when the table is reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('rejects with a TransientError when DynamoDB is unreachable', async () => {
      const stopped = await startDynalite();
      await stopped.stop();
      const unreachable = new DynamoExitStore(
        documentClient(localDynamoClient(stopped.endpoint, { maxAttempts: 1 })),
        tableName,
      );

      await expect(unreachable.ping()).rejects.toBeInstanceOf(TransientError);
    });
  });

  describe('byStatus index', () => {
    const indexItems = async (partition: string) => {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: 'gsi1pk = :partition',
          ExpressionAttributeValues: { ':partition': partition },
        }),
      );
      return Items ?? [];
    };

    it('lists an exit under its status, in its shard, without its timeline', async () => {
      const paused = buildExit({ status: 'paused' });
      await store.create(paused);
      await storedExit();

      const items = await indexItems(statusPartition('paused', paused.id));

      expect(items.map(itemToExit)).toEqual([{ ...paused, timeline: undefined }]);
      expect(items[0]).not.toHaveProperty('timeline');
    });

    it('spreads the exits of one status over the shards, none taking them all', async () => {
      const status = 'cancelled';
      const exits = Array.from({ length: 64 }, () => buildExit({ status }));
      for (const exit of exits) await store.create(exit);

      const ids = new Set(exits.map((exit) => exit.id));
      const counts = await Promise.all(
        statusPartitions(status).map(
          async (partition) =>
            (await indexItems(partition)).filter((item) => ids.has(String(item.id))).length,
        ),
      );

      expect(counts).toHaveLength(STATUS_SHARDS + 1);
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(exits.length);
      expect(counts.filter((count) => count > 0).length).toBeGreaterThanOrEqual(STATUS_SHARDS - 1);
      expect(Math.max(...counts)).toBeLessThanOrEqual(exits.length / 3);
    });
  });

  describe('listByStatus across shards', () => {
    const shardTable = 'farewell-test-shards';
    let shards: DynamoExitStore;
    const exits: Exit[] = [];
    const legacy: Exit[] = [];

    beforeAll(async () => {
      await ensureTable(client, shardTable);
      shards = new DynamoExitStore(documents, shardTable);
      for (let at = 0; at < 37; at += 1) {
        const createdAt = new Date(Date.UTC(2025, 0, 1, 0, 37 - at)).toISOString();
        const exit = buildExit({
          createdAt,
          client: { ...buildExit().client, name: at % 4 === 0 ? `Zoë ${at}` : `Ada ${at}` },
        });
        exits.push(exit);
        if (at % 9 === 0) {
          // As written before the index was sharded: one partition for the whole status.
          legacy.push(exit);
          await documents.send(
            new PutCommand({
              TableName: shardTable,
              Item: { ...exitToItem(exit), gsi1pk: legacyStatusPartition('active') },
            }),
          );
        } else {
          await shards.create(exit);
        }
      }
      exits.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });

    async function everyPage(request: { limit: number; search?: string }): Promise<string[][]> {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await shards.listByStatus('active', {
          ...request,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.exits.map((exit) => exit.id));
        cursor = page.cursor;
      } while (cursor && pages.length < 100);
      return pages;
    }

    it('pages through every shard and the legacy partition, each exit once, oldest first', async () => {
      const pages = await everyPage({ limit: 5 });

      expect(pages.slice(0, -1).every((page) => page.length === 5)).toBe(true);
      expect(pages.flat()).toEqual(exits.map((exit) => exit.id));
      expect(legacy.length).toBeGreaterThan(1);
    });

    it('finds every match of a search across the shards, in order', async () => {
      const pages = await everyPage({ limit: 3, search: 'zoë' });

      expect(pages.flat()).toEqual(
        exits.filter((exit) => exit.client.name.startsWith('Zoë')).map((exit) => exit.id),
      );
    });

    it('lists an exit without its timeline, which a read by key still has', async () => {
      const [first] = (await shards.listByStatus('active', { limit: 1 })).exits;

      expect(first?.timeline).toEqual([]);
      expect((await shards.get(first?.id ?? ''))?.timeline.length).toBeGreaterThan(0);
    });

    it('moves a legacy item into its shard on its next status change', async () => {
      const [moved] = legacy;
      if (!moved) throw new Error('no legacy exit');
      const change: StatusChange = {
        from: ['active'],
        to: 'paused',
        at: now,
        entry: { at: now, event: 'exit.paused' },
      };
      await shards.changeStatus(moved.id, change);

      const paused = await shards.listByStatus('paused');

      expect(paused.exits.map((exit) => exit.id)).toEqual([moved.id]);
      const { Item } = await documents.send(
        new GetCommand({ TableName: shardTable, Key: { pk: `exit#${moved.id}`, sk: 'exit' } }),
      );
      expect(Item?.gsi1pk).toBe(statusPartition('paused', moved.id));
    });

    it('moves every legacy item into its shard with the one-off backfill, idempotently', async () => {
      const [, ...rest] = legacy;
      const before = (await everyPage({ limit: 5 })).flat();

      const report = await backfillStatusShards(documents, shardTable);
      const again = await backfillStatusShards(documents, shardTable);

      expect(report.moved).toBe(rest.length);
      expect(again).toEqual({ moved: 0, skipped: 0 });
      expect((await everyPage({ limit: 5 })).flat()).toEqual(before);
      for (const exit of rest) {
        const { Item } = await documents.send(
          new GetCommand({ TableName: shardTable, Key: { pk: `exit#${exit.id}`, sk: 'exit' } }),
        );
        expect(Item?.gsi1pk).toBe(statusPartition('active', exit.id));
      }
    });
  });
  describe('listByStatus read cost across shards', () => {
    const costTable = 'farewell-test-list-cost';
    const COUNT = 240;

    beforeAll(async () => {
      await ensureTable(client, costTable);
      const writer = new DynamoExitStore(documents, costTable);
      for (let at = 0; at < COUNT; at += 1) {
        await writer.create(
          buildExit({ createdAt: new Date(Date.UTC(2025, 0, 1, 0, at)).toISOString() }),
        );
      }
    });

    it.each([25, 100])(
      'reads at most twice what it shows over a whole pass, %i a page',
      async (limit) => {
        const counting = documentClient(client);
        let read = 0;
        let queries = 0;
        counting.middlewareStack.add(
          (next) => async (args) => {
            const result = await next(args);
            const output = result.output as { Items?: unknown[] };
            if (Array.isArray(output.Items)) {
              queries += 1;
              read += output.Items.length;
            }
            return result;
          },
          { step: 'initialize' },
        );
        const measured = new DynamoExitStore(counting, costTable);
        let shown = 0;
        let pages = 0;
        let cursor: string | undefined;
        do {
          const page = await measured.listByStatus('active', {
            limit,
            ...(cursor ? { cursor } : {}),
          });
          shown += page.exits.length;
          pages += 1;
          cursor = page.cursor;
        } while (cursor);

        expect(shown).toBe(COUNT);
        // One more, empty, page when a partition's last query ended exactly on its last item.
        expect(pages).toBeLessThanOrEqual(Math.ceil(COUNT / limit) + 1);
        expect(read).toBeLessThanOrEqual(2 * shown + limit);
        // The figure for the record: items read and queries per pass.
        console.log(
          `${limit} a page: ${shown} exits shown, ${read} index items read, ${queries} queries`,
        );
      },
    );
  });
});
