import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type WebhookHeaders,
  WebhookVerifier,
} from '../../functions/handlers/http/webhook-signature.js';

describe('WebhookVerifier: the Standard Webhooks published test vector', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const payload = '{"test": 2432232314}';
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const headers: WebhookHeaders = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(timestamp * 1000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts the vector and returns its message id as the event id', () => {
    const check = new WebhookVerifier([secret]).verify(payload, headers);

    expect(check).toMatchObject({ valid: true, eventId: id });
  });

  it('reads the signing time as the check read it, even from a timestamp header sent twice', () => {
    const check = new WebhookVerifier([secret]).verify(payload, {
      ...headers,
      'webhook-timestamp': `${headers['webhook-timestamp']}, `,
    });

    expect(check).toEqual({
      valid: true,
      eventId: id,
      signedAt: new Date(timestamp * 1000).toISOString(),
    });
  });

  it('rejects the vector with a tampered body', () => {
    const check = new WebhookVerifier([secret]).verify('{"test": 2432232315}', headers);

    expect(check).toEqual({ valid: false, reason: expect.stringMatching(/signature/i) });
  });
});

describe('WebhookVerifier', () => {
  const oldSecret = 'whsec_+7bJQngULk9k2o7v2Sj+c20k8W7rLevG';
  const newSecret = 'whsec_XNf1xJ6HKzVb/KzVbrn7LaF0fZV6aNDW';
  const now = new Date('2026-06-01T10:00:00Z');
  const id = 'evt_01J0000000000000000000000';
  const body = JSON.stringify({ type: 'exit.requested', data: { exitId: 'x1' } });

  function signed(secret: string, at: Date = now, payload: string = body): WebhookHeaders {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, payload),
    };
  }

  function minutesFromNow(minutes: number): Date {
    return new Date(now.getTime() + minutes * 60_000);
  }

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(now);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts a body signed with its secret', () => {
    const check = new WebhookVerifier([newSecret]).verify(body, signed(newSecret));

    expect(check).toMatchObject({ valid: true, eventId: id });
  });

  it('rejects a body signed with another secret', () => {
    const check = new WebhookVerifier([newSecret]).verify(body, signed(oldSecret));

    expect(check.valid).toBe(false);
  });

  it('rejects a body changed after signing', () => {
    const headers = signed(newSecret);

    const check = new WebhookVerifier([newSecret]).verify(`${body} `, headers);

    expect(check.valid).toBe(false);
  });

  it('rejects a timestamp 6 minutes old, saying why', () => {
    const headers = signed(newSecret, minutesFromNow(-6));

    const check = new WebhookVerifier([newSecret]).verify(body, headers);

    expect(check).toEqual({ valid: false, reason: expect.stringMatching(/timestamp/i) });
  });

  it('rejects a timestamp 6 minutes in the future, saying why', () => {
    const headers = signed(newSecret, minutesFromNow(6));

    const check = new WebhookVerifier([newSecret]).verify(body, headers);

    expect(check).toEqual({ valid: false, reason: expect.stringMatching(/timestamp/i) });
  });

  it('accepts a timestamp 4 minutes old', () => {
    const headers = signed(newSecret, minutesFromNow(-4));

    const check = new WebhookVerifier([newSecret]).verify(body, headers);

    expect(check).toMatchObject({ valid: true, eventId: id });
  });

  it('reports a stale timestamp even when the signature is from an unknown secret', () => {
    const headers = signed(oldSecret, minutesFromNow(-6));

    const check = new WebhookVerifier([newSecret]).verify(body, headers);

    expect(check).toEqual({ valid: false, reason: expect.stringMatching(/timestamp/i) });
  });

  it('accepts a body signed with the old secret while both secrets are active', () => {
    const check = new WebhookVerifier([newSecret, oldSecret]).verify(body, signed(oldSecret));

    expect(check).toMatchObject({ valid: true, eventId: id });
  });

  it('accepts a body signed with the new secret while both secrets are active', () => {
    const check = new WebhookVerifier([newSecret, oldSecret]).verify(body, signed(newSecret));

    expect(check).toMatchObject({ valid: true, eventId: id });
  });

  it('rejects a body signed with a secret that has been retired', () => {
    const check = new WebhookVerifier([newSecret]).verify(body, signed(oldSecret));

    expect(check).toEqual({
      valid: false,
      reason: expect.stringMatching(/no matching signature/i),
    });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)(
    'rejects a request without the %s header',
    (name) => {
      const headers: WebhookHeaders = { ...signed(newSecret) };
      delete headers[name];

      const check = new WebhookVerifier([newSecret]).verify(body, headers);

      expect(check).toEqual({ valid: false, reason: 'missing webhook headers' });
    },
  );

  it('accepts a header carrying several signatures when one of them matches', () => {
    const headers = signed(newSecret);
    const other = new Webhook(oldSecret).sign(id, now, body);
    headers['webhook-signature'] =
      `v1,bm90IGEgc2lnbmF0dXJl ${other} ${headers['webhook-signature']}`;

    const check = new WebhookVerifier([newSecret]).verify(body, headers);

    expect(check).toMatchObject({ valid: true, eventId: id });
  });

  it('ignores a signature that is not version v1, even if its value matches', () => {
    const headers = signed(newSecret);
    const value = headers['webhook-signature']?.split(',')[1];
    headers['webhook-signature'] = `v2,${value}`;

    const check = new WebhookVerifier([newSecret]).verify(body, headers);

    expect(check.valid).toBe(false);
  });

  it('refuses to be built without a secret', () => {
    expect(() => new WebhookVerifier([])).toThrow(/at least one webhook secret/);
  });
});
