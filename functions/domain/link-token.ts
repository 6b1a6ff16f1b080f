import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeBase64url } from './base64url.js';

export type LinkPurpose = 'survey' | 'unsubscribe' | 'handover';

export interface LinkClaims {
  exitId: string;
  purpose: LinkPurpose;
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

export type TokenCheck =
  | { valid: true; claims: LinkClaims }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose' };

const PURPOSES: readonly LinkPurpose[] = ['survey', 'unsubscribe', 'handover'];

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

/**
 * Signs an emailed link: HMAC-SHA256 over exit id, purpose and expiry, URL-safe. The newest key
 * (the first) signs; every key verifies, so keys can rotate without breaking links in inboxes.
 */
export function signLinkToken(keys: readonly string[], claims: LinkClaims): string {
  const key = keys[0];
  if (!key) throw new Error('no link signing key');
  if (claims.exitId.includes('.')) throw new Error('an exit id cannot contain a dot');
  const payload = `${claims.exitId}.${claims.purpose}.${claims.expiresAt}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(key, payload).toString('base64url')}`;
}

export function verifyLinkToken(
  keys: readonly string[],
  token: string,
  purpose: LinkPurpose,
  now: Date,
): TokenCheck {
  const [encoded, signature, extra] = token.split('.');
  if (!encoded || !signature || extra !== undefined) return { valid: false, reason: 'malformed' };
  const payloadBytes = decodeBase64url(encoded);
  const given = decodeBase64url(signature);
  if (!payloadBytes || !given) return { valid: false, reason: 'malformed' };
  const payload = payloadBytes.toString('utf8');
  const signed = keys.some((key) => {
    const expected = mac(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { valid: false, reason: 'bad-signature' };
  const [exitId, claimedPurpose, expiry] = payload.split('.');
  const expiresAt = Number(expiry);
  if (
    !exitId ||
    !PURPOSES.includes(claimedPurpose as LinkPurpose) ||
    !Number.isInteger(expiresAt)
  ) {
    return { valid: false, reason: 'malformed' };
  }
  if (claimedPurpose !== purpose) return { valid: false, reason: 'wrong-purpose' };
  if (expiresAt * 1000 <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, claims: { exitId, purpose, expiresAt } };
}
