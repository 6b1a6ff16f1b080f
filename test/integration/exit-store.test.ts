import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemToExit } from '../../functions/adapters/dynamo-exit-mapping.js';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import {
  ensureTable,
  STATUS_INDEX,
  statusPartition,
} from '../../functions/adapters/dynamo-table.js';
import { TransientError } from '../../functions/domain/errors.js';
import type { StepOutcome } from '../../functions/domain/ports.js';
import { buildExit } from '../support/exit-fixture.js';
import {
  localCredentials,
  localRegion,
  type RunningService,
  startDynalite,
} from '../support/local-services.js';

const tableName = 'farewell-test';
const now = '2025-03-03T09:02:00.000Z';
const leaseEnd = '2025-03-03T09:07:00.000Z';
const afterLeaseEnd = '2025-03-03T09:08:00.000Z';
const sent: StepOutcome = { state: 'sent', at: '2025-03-03T09:02:05.000Z', messageId: 'ses-1' };
const sentEntry = { at: '2025-03-03T09:02:05.000Z', event: 'step.sent', stepId: 'notice' };

function dynamoClient(endpoint: string, maxAttempts?: number): DynamoDBClient {
  return new DynamoDBClient({
    region: localRegion,
    credentials: localCredentials,
    endpoint,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

describe('DynamoExitStore', () => {
  let dynalite: RunningService;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let store: DynamoExitStore;

  beforeAll(async () => {
    dynalite = await startDynalite();
    client = dynamoClient(dynalite.endpoint);
    await ensureTable(client, tableName);
    documents = documentClient(client);
    store = new DynamoExitStore(documents, tableName);
  });

  afterAll(async () => {
    client.destroy();
    await dynalite.stop();
  });

  async function storedExit() {
    const exit = buildExit();
    await store.create(exit);
    return exit;
  }

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
        documentClient(dynamoClient(stopped.endpoint, 1)),
        tableName,
      );

      await expect(unreachable.ping()).rejects.toBeInstanceOf(TransientError);
    });
  });

  describe('byStatus index', () => {
    it('lists an exit under its status', async () => {
      const paused = buildExit({ status: 'paused' });
      await store.create(paused);
      await storedExit();

      const { Items } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: STATUS_INDEX,
          KeyConditionExpression: 'gsi1pk = :status',
          ExpressionAttributeValues: { ':status': statusPartition('paused') },
        }),
      );

      expect((Items ?? []).map(itemToExit)).toEqual([paused]);
    });
  });
});
