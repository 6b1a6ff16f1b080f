/**
 * `.farewell-data/endpoints.json`: how to reach a running local stack. `npm start` writes it and
 * removes it on stop; `farewell --local` reads it (with the saved secrets) so the CLI builds the
 * same dependencies against the same local services. It holds no secret.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalEndpoints {
  /** The process that wrote the file; a CLI can tell a stale file from a live stack. */
  pid: number;
  appUrl: string;
  sesUrl: string;
  region: string;
  /** The SDK's `AWS_ENDPOINT_URL_*` values the stack's own clients use. */
  aws: {
    AWS_ENDPOINT_URL_DYNAMODB: string;
    AWS_ENDPOINT_URL_SESV2: string;
    AWS_ENDPOINT_URL_SCHEDULER: string;
  };
  /** The stack's non-secret `FAREWELL_*` settings (table, public URL, ARNs, branding…). */
  settings: Record<string, string>;
  /** The virtual clock's file, so the CLI plans with the same (possibly travelled) time. */
  clockFile: string;
}

export const ENDPOINTS_FILE = 'endpoints.json';
export const SECRETS_FILE = 'secrets.json';

/** Secret settings never written to the endpoints file (they live in `secrets.json`). */
export const SECRET_SETTINGS = new Set([
  'FAREWELL_WEBHOOK_SECRETS',
  'FAREWELL_LINK_KEYS',
  'FAREWELL_SUPPRESSION_KEY',
  'FAREWELL_SESSION_KEY',
  'FAREWELL_OPERATOR_PASSWORD',
]);

/** The `FAREWELL_*` entries of an environment, minus secrets and empty values. */
export function publicSettings(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('FAREWELL_') && !SECRET_SETTINGS.has(entry[0]) && Boolean(entry[1]),
    ),
  );
}

export function writeEndpoints(dataDir: string, endpoints: LocalEndpoints): void {
  const file = join(dataDir, ENDPOINTS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(endpoints, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removeEndpoints(dataDir: string): void {
  rmSync(join(dataDir, ENDPOINTS_FILE), { force: true });
}

/** The running stack's endpoints, or undefined when no stack wrote them (or it stopped). */
export function readEndpoints(dataDir: string): LocalEndpoints | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, ENDPOINTS_FILE), 'utf8')) as LocalEndpoints;
  } catch {
    return undefined;
  }
}
