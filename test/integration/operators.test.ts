import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOperatorStore } from '../../functions/adapters/dynamo-operator-store.js';
import { ValidationError } from '../../functions/domain/errors.js';
import { hashPassword } from '../../functions/domain/passwords.js';
import type { EventLog } from '../../functions/domain/ports.js';
import { issueSession } from '../../functions/domain/sessions.js';
import {
  addOperator,
  changePassword,
  ensureOperator,
  type OperatorDeps,
  SIGN_IN_THROTTLE,
  signIn,
  signOut,
  unlockSignIn,
  verifySession,
} from '../../functions/domain/use-cases/operators.js';
import { startLocalTable } from '../support/local-clients.js';
import { startForFile } from '../support/start-for-file.js';

const password = 'correct horse battery';
const sessionKey = 's'.repeat(32);
let unique = 0;

describe('operator use cases', () => {
  const table = startForFile(() => startLocalTable('farewell-test'));
  let deps: OperatorDeps;
  let now: Date;
  const logged: string[] = [];

  beforeAll(() => {
    const record = (message: string, fields?: Record<string, unknown>) =>
      logged.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const log: EventLog = { info: record, warn: record, error: record };
    deps = {
      operators: new DynamoOperatorStore(table.documents, 'farewell-test'),
      clock: { now: () => now },
      log,
      sessionKey,
      passwordParams: { ln: 10, r: 8, p: 1 },
    };
  });

  beforeEach(() => {
    now = new Date('2025-03-03T09:00:00Z');
  });

  async function newOperator() {
    unique += 1;
    const email = `ops${unique}@firm.example`;
    await addOperator(deps, { email, password });
    return email;
  }

  const minutes = (n: number) => {
    now = new Date(now.getTime() + n * 60_000);
  };

  describe('addOperator', () => {
    it('adds an operator under the normalized email and never returns the hash', async () => {
      const result = await addOperator(deps, { email: '  New.Person@Firm.Example ', password });

      expect(result.created).toBe(true);
      expect(result.operator).toEqual({
        email: 'new.person@firm.example',
        sessionVersion: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        passwordChangedAt: now.toISOString(),
      });
    });

    it('reports an existing email without changing its password', async () => {
      const email = await newOperator();

      const again = await addOperator(deps, { email, password: 'a different password' });

      expect(again.created).toBe(false);
      expect((await signIn(deps, { email, password })).ok).toBe(true);
    });

    it.each([
      ['not-an-email', password, 'email'],
      ['short@firm.example', 'too short', 'password'],
    ])('refuses %s / %s naming the %s field', async (email, secret, field) => {
      const attempt = addOperator(deps, { email, password: secret });

      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ problems: [{ field }] });
    });
  });

  describe('signIn', () => {
    it('signs in with the right password, whatever the email casing', async () => {
      const email = await newOperator();

      const result = await signIn(deps, { email: email.toUpperCase(), password });

      expect(result).toMatchObject({
        ok: true,
        operator: { email },
        session: { operatorId: email },
      });
    });

    it('gives the same answer for a wrong password and an unknown email', async () => {
      const email = await newOperator();

      const wrong = await signIn(deps, { email, password: 'wrong password!!' });
      const unknown = await signIn(deps, { email: 'nobody@firm.example', password });

      expect(wrong).toEqual({ ok: false, reason: 'invalid' });
      expect(unknown).toEqual({ ok: false, reason: 'invalid' });
    });

    it('throttles after five failures, even with the right password', async () => {
      const email = await newOperator();
      for (let i = 0; i < SIGN_IN_THROTTLE.maxFailures; i += 1) {
        await signIn(deps, { email, password: 'wrong password!!' });
      }

      const result = await signIn(deps, { email, password });

      expect(result).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 15 * 60 });
    });

    it('throttles unknown emails the same way', async () => {
      const email = `ghost${unique}@firm.example`;
      for (let i = 0; i < 5; i += 1) await signIn(deps, { email, password });

      expect(await signIn(deps, { email, password })).toMatchObject({ reason: 'throttled' });
    });

    it('lets the operator in again once the lockout has passed', async () => {
      const email = await newOperator();
      for (let i = 0; i < 6; i += 1) await signIn(deps, { email, password: 'wrong password!!' });

      minutes(16);

      expect((await signIn(deps, { email, password })).ok).toBe(true);
    });

    it('clears the failures on success, so earlier mistakes do not add up', async () => {
      const email = await newOperator();
      for (let i = 0; i < 4; i += 1) await signIn(deps, { email, password: 'wrong password!!' });
      await signIn(deps, { email, password });

      for (let i = 0; i < 4; i += 1) await signIn(deps, { email, password: 'wrong password!!' });

      expect((await signIn(deps, { email, password })).ok).toBe(true);
    });

    it('is unlocked at once by an administrator', async () => {
      const email = await newOperator();
      for (let i = 0; i < 6; i += 1) await signIn(deps, { email, password: 'wrong password!!' });

      await unlockSignIn(deps, email);

      expect((await signIn(deps, { email, password })).ok).toBe(true);
    });

    it('upgrades a hash made with older parameters at sign-in', async () => {
      unique += 1;
      const email = `old${unique}@firm.example`;
      const oldHash = await hashPassword(password, { ln: 11, r: 8, p: 1 });
      const at = now.toISOString();
      await deps.operators.createOperator({
        email,
        passwordHash: oldHash,
        sessionVersion: 0,
        createdAt: at,
        updatedAt: at,
        passwordChangedAt: at,
      });

      await signIn(deps, { email, password });

      expect((await deps.operators.getOperator(email))?.passwordHash).toMatch(/^\$scrypt\$ln=10,/);
      expect((await signIn(deps, { email, password })).ok).toBe(true);
    });

    it('logs no email address and no password', async () => {
      const email = await newOperator();
      logged.length = 0;

      await signIn(deps, { email, password: 'wrong password!!' });
      await signIn(deps, { email, password });

      expect(logged.join('\n')).not.toMatch(/@|password!!|horse/);
    });
  });

  describe('sessions', () => {
    async function signedIn() {
      const email = await newOperator();
      const result = await signIn(deps, { email, password });
      if (!result.ok) throw new Error('sign-in failed');
      return { email, ...result };
    }

    it('verifies the token of a fresh sign-in', async () => {
      const { email, token, session } = await signedIn();

      expect(await verifySession(deps, token)).toEqual({
        ok: true,
        operator: expect.objectContaining({ email }),
        session,
      });
    });

    it('says missing, invalid and expired for what they are', async () => {
      const { token } = await signedIn();

      expect(await verifySession(deps, undefined)).toEqual({ ok: false, reason: 'missing' });
      expect(await verifySession(deps, `${token}x`)).toEqual({ ok: false, reason: 'invalid' });
      minutes(12 * 60);
      expect(await verifySession(deps, token)).toEqual({ ok: false, reason: 'expired' });
    });

    it('ends every session of the operator at sign-out', async () => {
      const first = await signedIn();
      const second = await signIn(deps, { email: first.email, password });
      if (!second.ok) throw new Error('sign-in failed');

      await signOut(deps, first.session);

      expect(await verifySession(deps, first.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await verifySession(deps, second.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await signIn(deps, { email: first.email, password })).ok).toBe(true);
    });

    it('ends every session when the password changes, and the new one works', async () => {
      const { email, token } = await signedIn();

      expect(await changePassword(deps, { email, password: 'a brand new password' })).toBe(true);

      expect(await verifySession(deps, token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await signIn(deps, { email, password })).ok).toBe(false);
      expect((await signIn(deps, { email, password: 'a brand new password' })).ok).toBe(true);
    });

    it('refuses a validly signed session of an operator that does not exist', async () => {
      const { token } = issueSession(
        sessionKey,
        { operatorId: 'ghost@firm.example', version: 0 },
        now,
      );

      expect(await verifySession(deps, token)).toEqual({ ok: false, reason: 'revoked' });
    });
  });

  describe('ensureOperator', () => {
    it('creates the operator once, then reports whether the password is still current', async () => {
      unique += 1;
      const email = `first${unique}@firm.example`;

      const created = await ensureOperator(deps, { email, password });
      const again = await ensureOperator(deps, { email, password });
      await changePassword(deps, { email, password: 'changed by someone' });
      const changed = await ensureOperator(deps, { email, password });

      expect(created).toEqual({ email, created: true, passwordCurrent: true });
      expect(again).toEqual({ email, created: false, passwordCurrent: true });
      expect(changed).toEqual({ email, created: false, passwordCurrent: false });
    });
  });
});
