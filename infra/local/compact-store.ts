import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The part of classic-level (the LevelDB binding dynalite stores its data in) used here. */
interface LevelDb {
  open(): Promise<void>;
  compactRange(start: string, end: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Rewrites dynalite's LevelDB folder so that it holds only the current version of each item.
 * LevelDB is log-structured: an update or an erase appends a new version and the old one stays
 * in the log and table files until a compaction drops it, so an erased client's data would stay
 * readable on disk. A full-range compaction flushes the log into a new table, keeps the newest
 * version of every key and deletes the files the old versions lived in.
 *
 * LevelDB locks its folder, so this runs only while dynalite has it closed: before the local
 * stack opens it and after it closed it.
 */
export async function compactLocalStore(path: string): Promise<void> {
  if (!existsSync(path)) return;
  // The binding dynalite itself loads (through `level`), so the on-disk format is the same.
  const dynaliteRequire = createRequire(require.resolve('dynalite'));
  const { Level } = dynaliteRequire('level') as { Level: new (path: string) => LevelDb };
  const db = new Level(path);
  await db.open();
  try {
    // Every dynalite key is text ('table~…', 'item-…~…', 'index-…~…'); this range holds them all.
    await db.compactRange('\u0000', '\uffff');
  } finally {
    await db.close();
  }
}
