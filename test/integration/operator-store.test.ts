import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoOperatorStore,
  signInAttemptsKey,
} from '../../functions/adapters/dynamo-operator-store.js';
import type { Operator } from '../../functions/domain/operator.js';
import type { ThrottlePolicy } from '../../functions/domain/ports.js';
import { startLocalTable } from '../support/local-clients.js';
import { startForFile } from '../support/start-for-file.js';

const tableName = 'farewell-operators-test';
const policy: ThrottlePolicy = { maxFailures: 3, windowSeconds: 600, lockoutSeconds: 300 };
const t0 = new Date('2025-03-03T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
let unique = 0;

function operator(overrides: Partial<Operator> = {}): Operator {
  unique += 1;
  return {
    email: `ops${unique}@firm.example`,
    passwordHash: '$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA',
    sessionVersion: 0,
    createdAt: '2025-03-03T09:00:00.000Z',
    updatedAt: '2025-03-03T09:00:00.000Z',
    passwordChangedAt: '2025-03-03T09:00:00.000Z',
    ...overrides,
  };
}

describe('DynamoOperatorStore', () => {
  const table = startForFile(() => startLocalTable(tableName));
  let documents: DynamoDBDocumentClient;
  let store: DynamoOperatorStore;

  beforeAll(() => {
    documents = table.documents;
    store = new DynamoOperatorStore(documents, tableName);
  });

  const attempts = (key: string, now: Date, times: number) =>
    Promise.all(Array.from({ length: times }, () => store.countSignInAttempt(key, now, policy)));

  describe('operators', () => {
    it('gets back the operator it created, by any casing of the email', async () => {
      const ada = operator();

      expect(await store.createOperator(ada)).toBe('created');
      expect(await store.getOperator(` ${ada.email.toUpperCase()} `)).toEqual(ada);
    });

    it('keys the item by the lower-case email', async () => {
      const ada = operator({ email: `Ada.${unique}@Firm.Example` });
      await store.createOperator(ada);

      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `operator#${ada.email.toLowerCase()}`, sk: 'operator' },
        }),
      );

      expect(Item?.email).toBe(ada.email.toLowerCase());
    });

    it('answers exists for a taken email and keeps the first operator', async () => {
      const first = operator();
      await store.createOperator(first);

      const result = await store.createOperator({ ...first, passwordHash: 'other' });

      expect(result).toBe('exists');
      expect((await store.getOperator(first.email))?.passwordHash).toBe(first.passwordHash);
    });

    it('gets undefined for an unknown email', async () => {
      expect(await store.getOperator('nobody@firm.example')).toBeUndefined();
    });

    it('sets a password and bumps the session version in one write', async () => {
      const ada = operator({ sessionVersion: 4 });
      await store.createOperator(ada);

      const changed = await store.setPassword(ada.email, 'new-hash', '2025-03-04T10:00:00.000Z');

      expect(changed).toBe(true);
      expect(await store.getOperator(ada.email)).toMatchObject({
        passwordHash: 'new-hash',
        sessionVersion: 5,
        passwordChangedAt: '2025-03-04T10:00:00.000Z',
        updatedAt: '2025-03-04T10:00:00.000Z',
      });
    });

    it('sets no password for an unknown email and creates no item', async () => {
      const changed = await store.setPassword('ghost@firm.example', 'hash', t0.toISOString());

      expect(changed).toBe(false);
      expect(await store.getOperator('ghost@firm.example')).toBeUndefined();
    });

    it('ends sessions by bumping the version; not for an unknown email', async () => {
      const ada = operator();
      await store.createOperator(ada);

      expect(await store.endSessions(ada.email, t0.toISOString())).toBe(true);
      expect(await store.endSessions(ada.email, t0.toISOString())).toBe(true);
      expect((await store.getOperator(ada.email))?.sessionVersion).toBe(2);
      expect(await store.endSessions('ghost@firm.example', t0.toISOString())).toBe(false);
    });

    it('upgrades a hash only while the old one is still stored, keeping sessions', async () => {
      const ada = operator({ sessionVersion: 2 });
      await store.createOperator(ada);

      const upgraded = await store.upgradeHash(ada.email, ada.passwordHash, 'v2', t0.toISOString());
      const stale = await store.upgradeHash(ada.email, ada.passwordHash, 'v3', t0.toISOString());

      expect([upgraded, stale]).toEqual([true, false]);
      expect(await store.getOperator(ada.email)).toMatchObject({
        passwordHash: 'v2',
        sessionVersion: 2,
      });
    });
  });

  describe('sign-in attempts', () => {
    it('allows attempts up to the limit, then locks', async () => {
      const key = `k${++unique}`;

      const verdicts = [
        ...(await attempts(key, at(0), 1)),
        ...(await attempts(key, at(10), 1)),
        ...(await attempts(key, at(20), 1)),
        ...(await attempts(key, at(30), 1)),
      ];

      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
      expect(verdicts[3]).toEqual({ allowed: false, retryAfterSeconds: 300 - 10 });
    });

    it('never lets parallel attempts past the limit', async () => {
      const key = `k${++unique}`;

      const verdicts = await attempts(key, at(0), 12);

      expect(verdicts.filter((v) => v.allowed)).toHaveLength(policy.maxFailures);
    });

    it('unlocks once the lockout after the last counted attempt has passed', async () => {
      const key = `k${++unique}`;
      await attempts(key, at(0), 3);

      const during = await store.countSignInAttempt(key, at(299), policy);
      const after = await store.countSignInAttempt(key, at(900), policy);

      expect(during.allowed).toBe(false);
      expect(after).toEqual({ allowed: true });
    });

    it('starts a new window once the old one has passed, so old failures stop counting', async () => {
      const key = `k${++unique}`;
      await attempts(key, at(0), 2);

      const next = await attempts(key, at(601), 2);
      const third = await store.countSignInAttempt(key, at(602), policy);

      expect(next.every((v) => v.allowed)).toBe(true);
      expect(third.allowed).toBe(true);
    });

    it('ignores a counter whose TTL has passed even though dynalite never deletes it', async () => {
      const key = `k${++unique}`;
      await attempts(key, at(0), 3);
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: signInAttemptsKey(key) }),
      );

      const long = at(Number(Item?.expiresAt) - t0.getTime() / 1000 + 1);

      expect(Item?.expiresAt).toBe(t0.getTime() / 1000 + 600);
      expect(await store.countSignInAttempt(key, long, policy)).toEqual({ allowed: true });
    });

    it('forgets every attempt when cleared', async () => {
      const key = `k${++unique}`;
      await attempts(key, at(0), 3);

      await store.clearSignInAttempts(key);

      expect(await store.countSignInAttempt(key, at(1), policy)).toEqual({ allowed: true });
    });
  });
});
