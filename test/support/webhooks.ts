import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('farewell-test-secret-0123456789').toString('base64')}`;

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

/** Signs a body the way a Standard Webhooks sender does. */
export function signWebhook(
  payload: unknown,
  options: { secret?: string; id?: string; at?: Date } = {},
): SignedWebhook {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.secret ?? TEST_WEBHOOK_SECRET).sign(id, at, body),
    },
  };
}

export function exitRequested(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'exit.requested',
    timestamp: new Date().toISOString(),
    data: {
      client: {
        name: 'Grace Hopper',
        email: `grace+${randomUUID().slice(0, 8)}@client.example`,
        company: 'Compilers Inc',
        timezone: 'America/New_York',
        country: 'US',
        locale: 'en-US',
      },
      initiatedBy: 'firm',
      reason: 'The project is complete.',
      relationshipStartedOn: '2023-01-15',
      handover: ['Source code', 'Runbooks'],
      highlights: ['Shipped the compiler'],
      ...overrides,
    },
  };
}
