import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  PASSWORD_PARAMS,
  type ScryptParams,
  unmatchableHash,
  verifyPassword,
} from '../../functions/domain/passwords.js';

/** Cheap parameters: the behaviour is the same, the tests stay fast. */
const cheap: ScryptParams = { ln: 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('verifies the password it was made from', async () => {
    const hash = await hashPassword('correct horse battery', cheap);

    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it('rejects another password', async () => {
    const hash = await hashPassword('correct horse battery', cheap);

    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('stores the parameters and a fresh salt with every hash', async () => {
    const first = await hashPassword('same password here', cheap);
    const second = await hashPassword('same password here', cheap);

    expect(first).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
  });

  it('defaults to N=2^15, r=8, p=3 (an OWASP setting)', async () => {
    expect(PASSWORD_PARAMS).toEqual({ ln: 15, r: 8, p: 3 });
  });

  it('verifies with the parameters stored in the hash, not the current defaults', async () => {
    const old = await hashPassword('an older password', { ln: 11, r: 4, p: 2 });

    expect(await verifyPassword('an older password', old)).toBe(true);
  });

  it('treats composed and decomposed Unicode as the same password (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!!', cheap);

    expect(await verifyPassword('cafe\u0301 au lait!!', hash)).toBe(true);
  });

  it.each([
    '',
    'plain-text-password',
    '$scrypt$ln=15,r=8,p=3$c2FsdA',
    '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
    '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
  ])('never matches a malformed or out-of-bounds hash: %s', async (stored) => {
    expect(await verifyPassword('anything at all', stored)).toBe(false);
  });

  it('makes unmatchable hashes that no password verifies against', async () => {
    const hash = unmatchableHash(cheap);

    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('correct horse battery', hash)).toBe(false);
  });

  it('asks for a rehash when the parameters changed, not otherwise', async () => {
    const hash = await hashPassword('correct horse battery', cheap);

    expect(needsRehash(hash, cheap)).toBe(false);
    expect(needsRehash(hash, { ...cheap, ln: 11 })).toBe(true);
    expect(needsRehash('garbage', cheap)).toBe(true);
  });
});
