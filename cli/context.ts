/**
 * What every command gets: its streams and environment (so tests run the CLI in-process), and
 * the app's dependencies, built on first use by the same composition root the Lambdas use.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDependencies, type Dependencies } from '../functions/composition-root.js';
import { loadConfig } from '../functions/config.js';
import { ConfigError } from '../functions/domain/errors.js';
import type { EventLog } from '../functions/domain/ports.js';
import {
  type LocalEndpoints,
  readEndpoints,
  SECRET_SETTINGS,
  SECRETS_FILE,
} from '../infra/local/endpoints-file.js';
import { VirtualClock } from '../infra/local/virtual-clock.js';
import { UserError } from './errors.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface GlobalOptions {
  local?: boolean;
  verbose?: boolean;
}

export interface CliContext {
  io: CliIo;
  out(line?: string): void;
  err(line?: string): void;
  /** The app's dependencies: against AWS (SDK credential chain, env config) or `--local`. */
  deps(): Dependencies;
  /** The data folder local mode uses: FAREWELL_DATA_DIR or ./.farewell-data. */
  dataDir: string;
  /** What the process exits with; a command sets 1 when part of its work failed. */
  exitCode: number;
}

/** Domain log lines go to stderr as plain text (ids and outcomes only, never an address). */
function stderrLog(io: CliIo, verbose: boolean): EventLog {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const extra = Object.entries(fields ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    io.stderr.write(`${level}: ${[message, ...extra].join(' ')}\n`);
  };
  return {
    info: (message, fields) => {
      if (verbose) write('info', message, fields);
    },
    warn: (message, fields) => write('warning', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running local stack's endpoints and saved secrets, or a UserError saying what to do. */
export function localTarget(dataDir: string): {
  endpoints: LocalEndpoints;
  secrets: Record<string, string>;
} {
  const endpoints = readEndpoints(dataDir);
  if (!endpoints || !isRunning(endpoints.pid)) {
    throw new UserError(
      `No local Farewell is running from ${dataDir}. Start it with \`npm start\` (or point FAREWELL_DATA_DIR at its data folder).`,
    );
  }
  let secrets: Record<string, string>;
  try {
    secrets = JSON.parse(readFileSync(resolve(dataDir, SECRETS_FILE), 'utf8'));
  } catch (error) {
    throw new UserError(`Cannot read the local secrets in ${dataDir}.`, { cause: error });
  }
  return { endpoints, secrets };
}

function buildLocal(io: CliIo, dataDir: string, log: EventLog): Dependencies {
  const { endpoints, secrets } = localTarget(dataDir);
  // The same placeholders the local stack gives its own clients; they never leave loopback.
  Object.assign(process.env, {
    AWS_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...endpoints.aws,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  // As in the stack: a secret given in the environment wins over the saved one.
  const envSecrets = Object.fromEntries(
    Object.entries(io.env).filter(([name, value]) => SECRET_SETTINGS.has(name) && value),
  );
  const config = loadConfig({ ...endpoints.settings, ...secrets, ...envSecrets });
  return buildDependencies(config, { clock: new VirtualClock(endpoints.clockFile), log });
}

function buildFromEnv(io: CliIo, log: EventLog): Dependencies {
  try {
    return buildDependencies(loadConfig(io.env), { log });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      `${error.message}\n(For the local stack that \`npm start\` runs, add --local.)`,
      { cause: error },
    );
  }
}

export function createContext(io: CliIo, options: GlobalOptions): CliContext {
  const dataDir = resolve(io.cwd, io.env.FAREWELL_DATA_DIR || '.farewell-data');
  const log = stderrLog(io, options.verbose ?? false);
  let built: Dependencies | undefined;
  return {
    io,
    dataDir,
    exitCode: 0,
    out: (line = '') => io.stdout.write(`${line}\n`),
    err: (line = '') => io.stderr.write(`${line}\n`),
    deps() {
      built ??= options.local ? buildLocal(io, dataDir, log) : buildFromEnv(io, log);
      return built;
    },
  };
}
