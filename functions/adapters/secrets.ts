import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError, TransientError } from '../domain/errors.js';

/**
 * The secret values Farewell keeps in one Secrets Manager secret, as a JSON object whose keys are
 * the environment names `functions/config.ts` validates. Locally they come from the environment.
 */
export const SECRET_KEYS = [
  'FAREWELL_WEBHOOK_SECRETS',
  'FAREWELL_LINK_KEYS',
  'FAREWELL_SUPPRESSION_KEY',
  'FAREWELL_SESSION_KEY',
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
export type SecretValues = Record<SecretKey, string>;

/** The environment variable naming the secret; unset (local mode, tests), the env is used as is. */
export const SECRET_ARN_VARIABLE = 'FAREWELL_SECRET_ARN';

const secretSchema = z.object(
  Object.fromEntries(SECRET_KEYS.map((key) => [key, z.string().min(1)])) as Record<
    SecretKey,
    z.ZodString
  >,
);

/** Fresh values for every key, each in the format `config.ts` expects. */
export function generateSecretValues(): SecretValues {
  return {
    FAREWELL_WEBHOOK_SECRETS: `whsec_${randomBytes(24).toString('base64')}`,
    FAREWELL_LINK_KEYS: randomBytes(32).toString('base64url'),
    FAREWELL_SUPPRESSION_KEY: randomBytes(32).toString('base64url'),
    FAREWELL_SESSION_KEY: randomBytes(32).toString('base64url'),
  };
}

/**
 * Keys missing from a stored secret, filled with fresh values; keys present are never replaced
 * (the operator may have set a CRM's own webhook secret, and emailed links depend on the keys).
 * Returns undefined when nothing is missing.
 */
export function completeSecret(stored: string | undefined): string | undefined {
  let current: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(stored ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      current = parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON: start over from the generated values, keeping nothing unreadable.
  }
  const fresh = generateSecretValues();
  const missing = SECRET_KEYS.filter((key) => typeof current[key] !== 'string' || !current[key]);
  if (missing.length === 0) return undefined;
  return JSON.stringify({
    ...current,
    ...Object.fromEntries(missing.map((key) => [key, fresh[key]])),
  });
}

/**
 * Reads the secret once (per cold start) and returns its values to merge into the environment
 * before `loadConfig`. Errors name the key, never a value.
 */
export async function readSecretValues(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<SecretValues> {
  let text: string | undefined;
  try {
    ({ SecretString: text } = await client.send(
      new GetSecretValueCommand({ SecretId: secretArn }),
    ));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Unknown';
    throw new TransientError(`Could not read the Farewell secret (${name})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new ConfigError('The Farewell secret is not a JSON object');
  }
  const result = secretSchema.safeParse(json);
  if (!result.success) {
    const keys = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new ConfigError(`The Farewell secret lacks a value for: ${keys}`);
  }
  return result.data;
}
