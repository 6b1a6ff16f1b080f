import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

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

/** Starts dynalite in memory on a free loopback port. */
export async function startDynalite(): Promise<RunningService> {
  // dynalite ships no types; its factory returns a plain `http.Server`.
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
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
