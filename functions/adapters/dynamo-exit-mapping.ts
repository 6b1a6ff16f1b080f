/** How an `Exit` is laid out as a DynamoDB item, and back. */
import type { Exit } from '../domain/exit.js';
import { readHandover } from '../domain/handover.js';
import {
  type ExternalIdIndexKey,
  exitKey,
  externalIdIndexKey,
  type ReconcileIndexKey,
  reconcileIndexKey,
  type StatusIndexKey,
  statusIndexKey,
  type TableKey,
} from './dynamo-table.js';

export type ExitItem = Exit &
  TableKey &
  StatusIndexKey &
  Partial<ExternalIdIndexKey> &
  Partial<ReconcileIndexKey> & { searchText?: string };

/**
 * Text as the console's search compares it: compatibility forms folded (NFKC) and lower-cased,
 * so "ÉCOLE", "école" and "ｅｃｏｌｅ" meet.
 */
export function searchForm(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** What the console's search looks in: the client's name, company and address. */
export function searchTextOf(exit: Exit): string | undefined {
  const parts = [exit.client.name, exit.client.company ?? '', exit.client.email].filter(Boolean);
  return parts.length > 0 ? searchForm(parts.join('\n')) : undefined;
}

/**
 * The exit's own fields (steps as a map by step id, timeline as a list) plus keys, index keys
 * and the search text. The search text is written on create only: the fields it is made of
 * never change afterwards, except on erasure, which removes it.
 */
export function exitToItem(exit: Exit): ExitItem {
  const searchText = exit.erasedAt ? undefined : searchTextOf(exit);
  return {
    ...exit,
    ...exitKey(exit.id),
    ...statusIndexKey(exit.status, exit.createdAt, exit.id),
    ...(exit.externalId ? externalIdIndexKey(exit.externalId, exit.createdAt, exit.id) : {}),
    // A new active exit is looked at by the reconciler's next run: a crash between this write
    // and its schedules is repaired then, not only when a step falls due.
    ...(exit.status === 'active' ? reconcileIndexKey(exit.id, exit.createdAt) : {}),
    ...(searchText ? { searchText } : {}),
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
    gsi3pk: _3pk,
    gsi3sk: _3sk,
    searchText: _search,
    ...exit
  } = item;
  // Items written before handover objects existed hold plain strings: read them as items.
  return { ...(exit as unknown as Exit), handover: readHandover(exit.handover) };
}

/**
 * The exit a `byStatus` index item holds. The index leaves the timeline out (see
 * `STATUS_INDEX_ATTRIBUTES`): a listed exit has an empty one; read the exit by its key for it.
 */
export function indexItemToExit(item: Record<string, unknown>): Exit {
  return { ...itemToExit(item), timeline: [] };
}
