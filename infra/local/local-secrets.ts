import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export interface LocalSecrets {
  FAREWELL_WEBHOOK_SECRETS: string;
  FAREWELL_LINK_KEYS: string;
  FAREWELL_SUPPRESSION_KEY: string;
  FAREWELL_SESSION_KEY: string;
  /** Not app config: the password of local mode's first operator (see `local-operator.ts`). */
  FAREWELL_OPERATOR_PASSWORD: string;
}

/**
 * Secrets for local mode: taken from the environment when given, otherwise generated once and
 * kept in the (git-ignored) data folder so a restart keeps webhooks and emailed links working.
 */
export function localSecrets(
  env: Record<string, string | undefined>,
  file: string,
): { secrets: LocalSecrets; generated: (keyof LocalSecrets)[] } {
  let saved: Partial<LocalSecrets> = {};
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  } catch {
    // First start: nothing saved yet.
  }
  const fresh: LocalSecrets = {
    FAREWELL_WEBHOOK_SECRETS:
      saved.FAREWELL_WEBHOOK_SECRETS ?? `whsec_${randomBytes(24).toString('base64')}`,
    FAREWELL_LINK_KEYS: saved.FAREWELL_LINK_KEYS ?? randomBytes(32).toString('base64url'),
    FAREWELL_SUPPRESSION_KEY:
      saved.FAREWELL_SUPPRESSION_KEY ?? randomBytes(32).toString('base64url'),
    FAREWELL_SESSION_KEY: saved.FAREWELL_SESSION_KEY ?? randomBytes(32).toString('base64url'),
    FAREWELL_OPERATOR_PASSWORD:
      saved.FAREWELL_OPERATOR_PASSWORD ?? randomBytes(15).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  const names = Object.keys(fresh) as (keyof LocalSecrets)[];
  const secrets = Object.fromEntries(
    names.map((name) => [name, env[name] ?? fresh[name]]),
  ) as unknown as LocalSecrets;
  const generated = names.filter((name) => !env[name]);
  return { secrets, generated };
}
