import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface WebhookHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
}

export type SignatureCheck =
  | {
      valid: true;
      eventId: string;
      /** When the sender signed it (ISO), read from the timestamp exactly as the check read it. */
      signedAt: string;
    }
  | { valid: false; reason: string };

/**
 * Verifies a Standard Webhooks signature against every active secret (rotation: old and new both
 * verify while senders move over). The reference library compares in constant time and allows
 * ±5 minutes of clock skew against the real wall clock.
 */
export class WebhookVerifier {
  private readonly verifiers: Webhook[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('at least one webhook secret is required');
    this.verifiers = secrets.map((secret) => new Webhook(secret));
  }

  verify(body: string, headers: WebhookHeaders): SignatureCheck {
    const eventId = headers['webhook-id'];
    if (!eventId || !headers['webhook-timestamp'] || !headers['webhook-signature']) {
      return { valid: false, reason: 'missing webhook headers' };
    }
    const plain: Record<string, string> = {
      'webhook-id': eventId,
      'webhook-timestamp': headers['webhook-timestamp'],
      'webhook-signature': headers['webhook-signature'],
    };
    let reason = 'no matching signature';
    for (const verifier of this.verifiers) {
      try {
        verifier.verify(body, plain, { jsonParse: false });
        // The library accepted `parseInt` of the header (so "1700000000, x" passes); read it alike.
        const seconds = Number.parseInt(headers['webhook-timestamp'], 10);
        return { valid: true, eventId, signedAt: new Date(seconds * 1000).toISOString() };
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        // A stale timestamp fails the same way for every secret: say so rather than "no match".
        if (/timestamp/i.test(error.message)) return { valid: false, reason: error.message };
        reason = error.message;
      }
    }
    return { valid: false, reason };
  }
}
