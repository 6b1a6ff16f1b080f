import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erasureOf } from '../../functions/domain/erasure.js';
import { waitFor } from '../support/ports.js';
import { startTestStack } from '../support/test-stack.js';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if (readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

describe('erasure on the local disk', () => {
  it("leaves no copy of an erased client's address in the data folder after the next snapshot", async () => {
    const test = await startTestStack();
    const dataDir = test.stack.dataDir;
    const email = 'erase.me.please@client.example';
    let stopped = false;
    try {
      const response = await test.webhook({
        type: 'exit.requested',
        data: {
          client: { name: 'Erin Erased', email, company: 'Gone Ltd' },
          initiatedBy: 'client',
          reason: 'Moving on.',
        },
      });
      expect(response.status).toBe(202);
      const { exitId } = (await response.json()) as { exitId: string };
      // The store's snapshot (in the data folder) holds the address shortly after the write.
      expect(
        await waitFor(
          async () => (filesContaining(dataDir, email).length > 0 ? true : undefined),
          5_000,
        ),
      ).toBe(true);
      const exit = await test.stack.store.get(exitId);
      if (!exit) throw new Error('the exit was not stored');
      expect(
        await test.stack.store.erase(exitId, erasureOf(exit, new Date().toISOString(), 'cli')),
      ).toBeDefined();
      // Each snapshot is a fresh file: the next one, a second after the erase, has no copy.
      expect(
        await waitFor(
          async () => (filesContaining(dataDir, email).length === 0 ? true : undefined),
          5_000,
        ),
      ).toBe(true);
      stopped = true;
      await test.stack.stop();
      expect(filesContaining(dataDir, email)).toEqual([]);
    } finally {
      if (!stopped) await test.stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
