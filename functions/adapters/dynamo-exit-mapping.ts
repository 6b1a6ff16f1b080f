/** How an `Exit` is laid out as a DynamoDB item, and back. */
import type { Exit } from '../domain/exit.js';
import {
  type ExternalIdIndexKey,
  exitKey,
  externalIdIndexKey,
  type StatusIndexKey,
  statusIndexKey,
  type TableKey,
} from './dynamo-table.js';

export type ExitItem = Exit & TableKey & StatusIndexKey & Partial<ExternalIdIndexKey>;

/** The exit's own fields (steps as a map by step id, timeline as a list) plus keys and index keys. */
export function exitToItem(exit: Exit): ExitItem {
  return {
    ...exit,
    ...exitKey(exit.id),
    ...statusIndexKey(exit.status, exit.createdAt, exit.id),
    ...(exit.externalId ? externalIdIndexKey(exit.externalId, exit.createdAt, exit.id) : {}),
  };
}

/**
 * The exit an item holds, without the table's own attributes. The item is trusted: only this
 * adapter writes exit items, always from a typed `Exit`.
 */
export function itemToExit(item: Record<string, unknown>): Exit {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _1pk,
    gsi1sk: _1sk,
    gsi2pk: _2pk,
    gsi2sk: _2sk,
    ...exit
  } = item;
  return exit as unknown as Exit;
}
