import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type LinkClaims,
  signLinkToken,
  verifyLinkToken,
} from '../../functions/domain/link-token.js';

const oldKey = 'o'.repeat(32);
const newKey = 'n'.repeat(32);
const now = new Date('2026-06-01T10:00:00Z');
const claims: LinkClaims = {
  exitId: 'x0123456789abcdef01234567',
  purpose: 'survey',
  expiresAt: Math.floor(now.getTime() / 1000) + 3600,
};

/** Replaces the first character of a base64url segment with a different one. */
function flipFirst(segment: string): string {
  return `${segment.startsWith('A') ? 'B' : 'A'}${segment.slice(1)}`;
}

function parts(token: string): [string, string] {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) throw new Error(`not a token: ${token}`);
  return [payload, signature];
}

describe('link tokens', () => {
  it('verify with the key that signed them and return the claims', () => {
    const token = signLinkToken([newKey], claims);

    const check = verifyLinkToken([newKey], token, 'survey', now);

    expect(check).toEqual({ valid: true, claims });
  });

  it('contain only URL-safe characters', () => {
    const token = signLinkToken([newKey], { ...claims, exitId: 'x??>>//++~~' });

    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('reject a tampered payload as a bad signature', () => {
    const [, signature] = parts(signLinkToken([newKey], claims));
    const forged = Buffer.from(`xsomeone-else.survey.${claims.expiresAt}`).toString('base64url');

    const check = verifyLinkToken([newKey], `${forged}.${signature}`, 'survey', now);

    expect(check).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('reject a tampered signature as a bad signature', () => {
    const [payload, signature] = parts(signLinkToken([newKey], claims));

    const check = verifyLinkToken([newKey], `${payload}.${flipFirst(signature)}`, 'survey', now);

    expect(check).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('reject a token whose expiry has passed', () => {
    const token = signLinkToken([newKey], claims);
    const afterExpiry = new Date((claims.expiresAt + 1) * 1000);

    const check = verifyLinkToken([newKey], token, 'survey', afterExpiry);

    expect(check).toEqual({ valid: false, reason: 'expired' });
  });

  it('reject a token at the very second it expires', () => {
    const token = signLinkToken([newKey], claims);

    const check = verifyLinkToken([newKey], token, 'survey', new Date(claims.expiresAt * 1000));

    expect(check).toEqual({ valid: false, reason: 'expired' });
  });

  it('reject a token signed for another purpose', () => {
    const token = signLinkToken([newKey], { ...claims, purpose: 'unsubscribe' });

    const check = verifyLinkToken([newKey], token, 'survey', now);

    expect(check).toEqual({ valid: false, reason: 'wrong-purpose' });
  });

  it('sign with the first (newest) key', () => {
    const token = signLinkToken([newKey, oldKey], claims);

    const check = verifyLinkToken([newKey], token, 'survey', now);

    expect(check.valid).toBe(true);
  });

  it('still verify a token signed with an old key while that key is listed', () => {
    const token = signLinkToken([oldKey], claims);

    const check = verifyLinkToken([newKey, oldKey], token, 'survey', now);

    expect(check).toEqual({ valid: true, claims });
  });

  it('reject a token signed with a key no longer listed', () => {
    const token = signLinkToken([oldKey], claims);

    const check = verifyLinkToken([newKey], token, 'survey', now);

    expect(check).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuse to sign without a key', () => {
    expect(() => signLinkToken([], claims)).toThrow('no link signing key');
  });

  it.each(['', 'a', 'a.', '.b', 'a.b.c', '%%%.***', '!!!!.????'])(
    'reject the malformed string %j without throwing',
    (token) => {
      const check = verifyLinkToken([newKey], token, 'survey', now);

      expect(check.valid).toBe(false);
    },
  );

  it('reject a correctly signed payload that does not hold exit id, purpose and expiry', () => {
    const payload = 'x-only-an-id';
    const signature = createHmac('sha256', newKey).update(payload).digest('base64url');
    const token = `${Buffer.from(payload).toString('base64url')}.${signature}`;

    const check = verifyLinkToken([newKey], token, 'survey', now);

    expect(check).toEqual({ valid: false, reason: 'malformed' });
  });

  it('refuse to sign an exit id containing a dot, which would blur the payload fields', () => {
    expect(() => signLinkToken([newKey], { ...claims, exitId: 'x1.survey' })).toThrow(/dot/);
  });
});
