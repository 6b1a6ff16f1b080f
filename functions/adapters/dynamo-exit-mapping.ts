/** How an `Exit` is laid out as a DynamoDB item, and back. */
import type { Exit } from '../domain/exit.js';
import { exitKey, type StatusIndexKey, statusIndexKey, type TableKey } from './dynamo-table.js';

export type ExitItem = Exit & TableKey & StatusIndexKey;

/** The exit's own fields (steps as a map by step id, timeline as a list) plus keys and index keys. */
export function exitToItem(exit: Exit): ExitItem {
  return {
    ...exit,
    ...exitKey(exit.id),
    ...statusIndexKey(exit.status, exit.createdAt, exit.id),
  };
}

/**
 * The exit an item holds, without the table's own attributes. The item is trusted: only this
 * adapter writes exit items, always from a typed `Exit`.
 */
export function itemToExit(item: Record<string, unknown>): Exit {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...exit } = item;
  return exit as unknown as Exit;
}
