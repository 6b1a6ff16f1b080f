import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { ConfigError } from '../../functions/domain/errors.js';
import { validSettings, WEBHOOK_SECRET } from '../support/settings.js';
import { thrownBy } from '../support/thrown.js';

const webhookSecret = WEBHOOK_SECRET;
const rotatedSecret = 'whsec_XNf1xJ6HKzVb/KzVbrn7LaF0fZV6aNDW';

function completeEnv(): Record<string, string | undefined> {
  // Unrelated variables in the environment are ignored.
  return { ...validSettings(), PATH: '/usr/bin' };
}

/** The message of the ConfigError that loading `env` throws. */
function failure(env: Record<string, string | undefined>): string {
  return thrownBy(ConfigError, () => loadConfig(env)).message;
}

describe('loadConfig', () => {
  it('parses a complete environment and applies the defaults', () => {
    const config = loadConfig(completeEnv());

    expect(config).toEqual({
      FAREWELL_TABLE_NAME: 'farewell-exits',
      FAREWELL_PUBLIC_URL: 'https://farewell.example',
      FAREWELL_FIRM_NAME: 'Acme Consulting',
      FAREWELL_SENDER_EMAIL: 'hello@acme.example',
      FAREWELL_WEBHOOK_SECRETS: [webhookSecret],
      FAREWELL_SUPPRESSION_KEY: 's'.repeat(32),
      FAREWELL_SESSION_KEY: 'c'.repeat(32),
      FAREWELL_LINK_KEYS: ['k'.repeat(32)],
      FAREWELL_DEFAULT_LOCALE: 'en-GB',
      FAREWELL_SCHEDULE_GROUP: 'default',
      FAREWELL_SEND_STEP_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:send-step',
      FAREWELL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      FAREWELL_SCHEDULE_MAX_RETRIES: 20,
      FAREWELL_SCHEDULE_MAX_EVENT_AGE_SECONDS: 86_400,
      FAREWELL_SEND_LEASE_SECONDS: 120,
      FAREWELL_SES_TIMEOUT_MS: 10_000,
      FAREWELL_NOTICE_APPROVAL: 'none',
    });
  });

  it('reads numbers given as strings', () => {
    const config = loadConfig({ ...completeEnv(), FAREWELL_SEND_LEASE_SECONDS: '300' });

    expect(config.FAREWELL_SEND_LEASE_SECONDS).toBe(300);
  });

  it('fails naming a missing required variable as required', () => {
    const env = completeEnv();
    delete env.FAREWELL_FIRM_NAME;

    expect(failure(env)).toMatch(/FAREWELL_FIRM_NAME: is required/);
  });

  it('treats an empty string as missing', () => {
    expect(failure({ ...completeEnv(), FAREWELL_TABLE_NAME: '' })).toMatch(
      /FAREWELL_TABLE_NAME: is required/,
    );
  });

  it('names every missing variable at once', () => {
    const message = failure({});

    for (const name of [
      'FAREWELL_TABLE_NAME',
      'FAREWELL_PUBLIC_URL',
      'FAREWELL_FIRM_NAME',
      'FAREWELL_SENDER_EMAIL',
      'FAREWELL_WEBHOOK_SECRETS',
      'FAREWELL_SUPPRESSION_KEY',
      'FAREWELL_SESSION_KEY',
      'FAREWELL_LINK_KEYS',
      'FAREWELL_SEND_STEP_ARN',
      'FAREWELL_SCHEDULER_ROLE_ARN',
    ]) {
      expect(message).toContain(`${name}: is required`);
    }
  });

  it('rejects a plain http public URL', () => {
    expect(failure({ ...completeEnv(), FAREWELL_PUBLIC_URL: 'http://farewell.example' })).toMatch(
      /FAREWELL_PUBLIC_URL: must be an https URL/,
    );
  });

  it('rejects plain http on a host that only starts like localhost', () => {
    expect(
      failure({ ...completeEnv(), FAREWELL_PUBLIC_URL: 'http://localhost.attacker.example' }),
    ).toMatch(/FAREWELL_PUBLIC_URL/);
  });

  it.each(['http://127.0.0.1:3000', 'http://localhost:3000/', 'http://[::1]:8080'])(
    'allows plain http on loopback: %s',
    (url) => {
      const config = loadConfig({ ...completeEnv(), FAREWELL_PUBLIC_URL: url });

      expect(config.FAREWELL_PUBLIC_URL).toBe(url.replace(/\/$/, ''));
    },
  );

  it('splits webhook secrets on any whitespace', () => {
    const config = loadConfig({
      ...completeEnv(),
      FAREWELL_WEBHOOK_SECRETS: ` ${rotatedSecret}  \n\t${webhookSecret} `,
    });

    expect(config.FAREWELL_WEBHOOK_SECRETS).toEqual([rotatedSecret, webhookSecret]);
  });

  it('rejects a webhook secret without the whsec_ prefix', () => {
    expect(
      failure({ ...completeEnv(), FAREWELL_WEBHOOK_SECRETS: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2La' }),
    ).toMatch(/FAREWELL_WEBHOOK_SECRETS/);
  });

  it('never puts a rejected secret value in the error message', () => {
    const badWebhookSecret = 'whsec_not!base64!sekrit1';
    const badSuppressionKey = 'suppression-sekrit2';
    const badLinkKey = 'link-sekrit3';
    const badSessionKey = 'session-sekrit4';

    const message = failure({
      ...completeEnv(),
      FAREWELL_WEBHOOK_SECRETS: `${webhookSecret} ${badWebhookSecret}`,
      FAREWELL_SUPPRESSION_KEY: badSuppressionKey,
      FAREWELL_LINK_KEYS: `${'k'.repeat(32)} ${badLinkKey}`,
      FAREWELL_SESSION_KEY: badSessionKey,
    });

    expect(message).toMatch(/FAREWELL_WEBHOOK_SECRETS/);
    expect(message).toMatch(/FAREWELL_SUPPRESSION_KEY/);
    expect(message).toMatch(/FAREWELL_LINK_KEYS/);
    expect(message).toMatch(/FAREWELL_SESSION_KEY/);
    for (const secret of [
      webhookSecret,
      badWebhookSecret,
      badSuppressionKey,
      badLinkKey,
      badSessionKey,
    ]) {
      expect(message).not.toContain(secret);
    }
    expect(message).not.toMatch(/sekrit/i);
  });

  it('rejects a webhook secret whose base64 the verifier could not decode', () => {
    expect(
      failure({ ...completeEnv(), FAREWELL_WEBHOOK_SECRETS: 'whsec_AAAA=AAAAAAAAAAAAAAA' }),
    ).toMatch(/FAREWELL_WEBHOOK_SECRETS/);
  });
});
