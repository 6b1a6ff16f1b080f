import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

/** dynalite with its data on disk, which can be stopped and started again on the same port. */
export interface RestartableDynalite {
  endpoint: string;
  port: number;
  /** Whether it is serving now. */
  running(): boolean;
  /** Cuts every open connection and closes the database; the data stays on disk. */
  stop(): Promise<void>;
  /** Serves the same data directory again on the same port. */
  start(): Promise<void>;
}

type DynaliteServer = Server & { closeAllConnections(): void };

function open(path: string): DynaliteServer {
  // dynalite ships no types; its factory returns a plain `http.Server`.
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => DynaliteServer;
  return dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startRestartableDynalite(path: string): Promise<RestartableDynalite> {
  let server: DynaliteServer | undefined = open(path);
  const port = await listen(server, 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    running: () => server !== undefined,
    async stop() {
      const current = server;
      if (!current) return;
      server = undefined;
      // dynalite's close waits for in-flight requests and then closes LevelDB, which frees the
      // directory's lock for the next start.
      const closed = new Promise<void>((resolve, reject) =>
        current.close((error) => (error ? reject(error) : resolve())),
      );
      current.closeAllConnections();
      await closed;
    },
    async start() {
      if (server) return;
      const next = open(path);
      await listen(next, port);
      server = next;
    },
  };
}
