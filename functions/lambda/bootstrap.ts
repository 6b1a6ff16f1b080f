import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSecretValues, SECRET_ARN_VARIABLE } from '../adapters/secrets.js';
import { type Config, loadConfig } from '../config.js';
import { ConfigError } from '../domain/errors.js';
import { parseSequenceRules, type SequenceRules } from '../domain/sequence-rules.js';
import type { Overrides } from '../shared-root.js';

/** The sequence the stage deploys (JSON in `FAREWELL_SEQUENCE`); the bundled file's when unset. */
function sequenceFromEnv(value: string | undefined): SequenceRules | undefined {
  if (!value) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new ConfigError('FAREWELL_SEQUENCE: must be JSON', { cause: error });
  }
  return parseSequenceRules(json);
}

/**
 * What a Lambda needs, from its environment, wired by `build` (the function's own part of the
 * composition root): on AWS the secret values are read from Secrets Manager
 * (`FAREWELL_SECRET_ARN`) and merged into the environment before it is validated; without that
 * variable (local mode, tests) the environment must hold them itself.
 */
export async function bootstrap<T>(
  env: Record<string, string | undefined>,
  build: (config: Config, overrides: Overrides) => T,
  secrets = () => new SecretsManagerClient({}),
): Promise<T> {
  const secretArn = env[SECRET_ARN_VARIABLE];
  const values = secretArn ? await readSecretValues(secrets(), secretArn) : {};
  const config = loadConfig({ ...env, ...values });
  const rules = sequenceFromEnv(env.FAREWELL_SEQUENCE);
  return build(config, rules ? { rules } : {});
}
