import { describe, expect, it } from 'vitest';
import {
  issueSession,
  SESSION_TTL_SECONDS,
  verifySessionToken,
} from '../../functions/domain/sessions.js';

const key = 'k'.repeat(32);
const otherKey = 'o'.repeat(32);
const now = new Date('2025-03-03T09:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const operator = { operatorId: 'ada@firm.example', version: 3 };

function reencode(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(claims);
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('session tokens', () => {
  it('verifies a token it issued and gives back its claims', () => {
    const { token, session } = issueSession(key, operator, now);

    const check = verifySessionToken(key, token, later(60));

    expect(check).toEqual({ valid: true, session });
    expect(session).toMatchObject({
      operatorId: 'ada@firm.example',
      version: 3,
      issuedAt: now,
      expiresAt: later(SESSION_TTL_SECONDS),
    });
    expect(session.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('gives every session its own random id', () => {
    const first = issueSession(key, operator, now);
    const second = issueSession(key, operator, now);

    expect(first.session.sessionId).not.toBe(second.session.sessionId);
    expect(first.token).not.toBe(second.token);
  });

  it('refuses a token signed with another key', () => {
    const { token } = issueSession(otherKey, operator, now);

    expect(verifySessionToken(key, token, now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses a token whose claims were changed after signing', () => {
    const { token } = issueSession(key, operator, now);
    const forged = reencode(token, (claims) => {
      claims.sub = 'mallory@firm.example';
    });

    expect(verifySessionToken(key, forged, now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses a token at and after its expiry', () => {
    const { token } = issueSession(key, operator, now, 3600);

    expect(verifySessionToken(key, token, later(3599)).valid).toBe(true);
    expect(verifySessionToken(key, token, later(3600))).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('refuses a token issued more than a minute in the future', () => {
    const { token } = issueSession(key, operator, later(120));

    expect(verifySessionToken(key, token, now)).toEqual({ valid: false, reason: 'expired' });
  });

  it.each(['', 'abc', 'a.b.c', '.', `${'a'.repeat(3000)}.b`, 'e30.AAAA'])(
    'refuses a malformed token: %s',
    (token) => {
      expect(verifySessionToken(key, token, now).valid).toBe(false);
    },
  );
});
