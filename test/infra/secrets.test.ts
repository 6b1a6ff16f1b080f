import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeSecret,
  generateSecretValues,
  readSecretValues,
  SECRET_KEYS,
} from '../../functions/adapters/secrets.js';
import { buildDependencies } from '../../functions/composition-root.js';
import { loadConfig } from '../../functions/config.js';
import { ConfigError } from '../../functions/domain/errors.js';
import { bootstrap } from '../../functions/lambda/bootstrap.js';
import { startSecretsStub } from './support/import-bundle.js';

/** Everything config.ts needs but the secret values. */
const settings = {
  FAREWELL_TABLE_NAME: 'farewell-exits',
  FAREWELL_PUBLIC_URL: 'https://farewell.example',
  FAREWELL_FIRM_NAME: 'Acme Consulting',
  FAREWELL_SENDER_EMAIL: 'hello@acme.example',
  FAREWELL_SEND_STEP_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:send-step',
  FAREWELL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
};

describe('secret values', () => {
  it('are generated in the formats the configuration accepts', () => {
    const config = loadConfig({ ...settings, ...generateSecretValues() });

    expect(config.FAREWELL_WEBHOOK_SECRETS).toHaveLength(1);
    expect(config.FAREWELL_LINK_KEYS).toHaveLength(1);
  });

  it('are completed without replacing a value the operator set', () => {
    const stored = JSON.stringify({ FAREWELL_WEBHOOK_SECRETS: 'whsec_fromTheCrm', other: 'kept' });

    const completed = JSON.parse(completeSecret(stored) ?? '{}') as Record<string, string>;

    expect(completed.FAREWELL_WEBHOOK_SECRETS).toBe('whsec_fromTheCrm');
    expect(completed.other).toBe('kept');
    for (const key of SECRET_KEYS.filter((k) => k !== 'FAREWELL_WEBHOOK_SECRETS')) {
      expect(completed[key]).toMatch(/^\S{32,}$/);
    }
  });

  it('are left alone when none is missing', () => {
    expect(completeSecret(JSON.stringify(generateSecretValues()))).toBeUndefined();
  });
});

describe('reading the secret', () => {
  let stub: Awaited<ReturnType<typeof startSecretsStub>>;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    stub = await startSecretsStub({ FAREWELL_WEBHOOK_SECRETS: 'whsec_x' });
    client = new SecretsManagerClient({
      endpoint: stub.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(() => stub.stop());

  it('names every key the secret lacks, and no value', async () => {
    const failure = await readSecretValues(client, 'arn:secret').catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toBe(
      'The Farewell secret lacks a value for: FAREWELL_LINK_KEYS, FAREWELL_SUPPRESSION_KEY, FAREWELL_SESSION_KEY',
    );
  });

  it('merges the secret into the environment at bootstrap when FAREWELL_SECRET_ARN is set', async () => {
    const values = generateSecretValues();
    const full = await startSecretsStub(values);
    try {
      const deps = await bootstrap(
        { ...settings, FAREWELL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:f' },
        buildDependencies,
        () =>
          new SecretsManagerClient({
            endpoint: full.endpoint,
            region: 'eu-west-1',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }),
      );
      expect(deps.sesEvents.suppressionKey).toBe(values.FAREWELL_SUPPRESSION_KEY);
      expect(full.calls()).toBe(1);
    } finally {
      await full.stop();
    }
  });

  it('uses the environment alone without FAREWELL_SECRET_ARN (local mode)', async () => {
    const deps = await bootstrap(
      { ...settings, ...generateSecretValues() },
      buildDependencies,
      () => {
        throw new Error('must not read Secrets Manager');
      },
    );

    expect(deps.sendStep.rules.sendHour).toBe(10);
  });

  it('takes the stage sequence from FAREWELL_SEQUENCE, naming a bad field', async () => {
    const env = { ...settings, ...generateSecretValues() };
    const deps = await bootstrap(
      { ...env, FAREWELL_SEQUENCE: '{"sendHour": 9}' },
      buildDependencies,
    );
    expect(deps.sendStep.rules.sendHour).toBe(9);

    await expect(
      bootstrap({ ...env, FAREWELL_SEQUENCE: '{"sendHour": 25}' }, buildDependencies),
    ).rejects.toThrow(/sendHour: must be a whole number from 0 to 23/);
  });
});

describe('the secret-completing custom resource', () => {
  it('fills the missing keys and answers CloudFormation without a secret value', async () => {
    const stub = await startSecretsStub({
      FAREWELL_SUPPRESSION_KEY: 'generated-by-secrets-manager',
    });
    const answers: string[] = [];
    const cloudFormation = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        answers.push(Buffer.concat(chunks).toString('utf8'));
        response.end();
      });
    });
    await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
    const { port } = cloudFormation.address() as AddressInfo;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const { handler } = await import('../../functions/lambda/complete-secret.js');
      const event = {
        RequestType: 'Create',
        ServiceToken: 'arn:aws:lambda:eu-west-1:1:function:complete',
        ResponseURL: `http://127.0.0.1:${port}/response`,
        StackId: 'stack',
        RequestId: 'request',
        LogicalResourceId: 'CompletedKeys',
        ResourceType: 'Custom::FarewellKeys',
        ResourceProperties: { ServiceToken: 'token', SecretArn: 'arn:secret' },
      } satisfies CloudFormationCustomResourceCreateEvent;

      await handler(event);

      const stored = JSON.parse(stub.current()) as Record<string, string>;
      expect(Object.keys(stored).sort()).toEqual([...SECRET_KEYS].sort());
      expect(stored.FAREWELL_SUPPRESSION_KEY).toBe('generated-by-secrets-manager');
      const answer = JSON.parse(answers[0] ?? '{}') as Record<string, string>;
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: 'arn:secret#completed',
      });
      for (const value of Object.values(stored)) expect(answers[0]).not.toContain(value);
    } finally {
      for (const name of [
        'AWS_ENDPOINT_URL_SECRETS_MANAGER',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
      ]) {
        delete process.env[name];
      }
      cloudFormation.close();
      await stub.stop();
    }
  });
});
