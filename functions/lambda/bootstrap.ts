import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSecretValues, SECRET_ARN_VARIABLE } from '../adapters/secrets.js';
import { buildDependencies, type Dependencies } from '../composition-root.js';
import { loadConfig } from '../config.js';
import { ConfigError } from '../domain/errors.js';
import { parseSequenceRules, type SequenceRules } from '../domain/sequence-rules.js';

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
 * Everything a Lambda needs, from its environment: on AWS the secret values are read from Secrets
 * Manager (`FAREWELL_SECRET_ARN`) and merged into the environment before it is validated; without
 * that variable (local mode, tests) the environment must hold them itself.
 */
export async function bootstrap(
  env: Record<string, string | undefined>,
  secrets = () => new SecretsManagerClient({}),
): Promise<Dependencies> {
  const secretArn = env[SECRET_ARN_VARIABLE];
  const values = secretArn ? await readSecretValues(secrets(), secretArn) : {};
  const config = loadConfig({ ...env, ...values });
  const rules = sequenceFromEnv(env.FAREWELL_SEQUENCE);
  return buildDependencies(config, rules ? { rules } : {});
}
