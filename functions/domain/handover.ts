/**
 * What the firm hands over to the client (files, credentials, documentation), and the client's
 * confirmation that each item arrived. Pure: the request gives the items, the exit stores them
 * normalised, the client's handover page confirms them (see `confirmHandover`).
 */
import { DateTime } from 'luxon';
import type { Exit, HandoverItem } from './exit.js';

export type { HandoverItem } from './exit.js';

import { type Decision, refuse, UNCHANGED, write } from './exit-changes.js';
import type { HandoverConfirmation } from './ports.js';

/** An item as a request may give it: plain text (as API v1 always allowed) or an object. */
export type HandoverInput = string | { title: string; url?: string; note?: string };

/** The id of the item at `index` (0-based): its place in the list, which never changes. */
export function handoverId(index: number): string {
  return `h${index + 1}`;
}

/** The items of a request, each given its id. */
export function normaliseHandover(inputs: readonly HandoverInput[]): HandoverItem[] {
  return inputs.map((input, index) =>
    typeof input === 'string'
      ? { id: handoverId(index), title: input }
      : {
          id: handoverId(index),
          title: input.title,
          ...(input.url ? { url: input.url } : {}),
          ...(input.note ? { note: input.note } : {}),
        },
  );
}

/**
 * The items as stored. Exits written before handover objects existed hold plain strings; they
 * read as items without link or note, with the id of their place, so they can be confirmed too.
 */
export function readHandover(stored: unknown): HandoverItem[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((entry: unknown, index) => {
    if (typeof entry === 'string') return { id: handoverId(index), title: entry };
    const item = (entry ?? {}) as Partial<HandoverItem>;
    return {
      id: typeof item.id === 'string' ? item.id : handoverId(index),
      title: typeof item.title === 'string' ? item.title : '',
      ...(typeof item.url === 'string' ? { url: item.url } : {}),
      ...(typeof item.note === 'string' ? { note: item.note } : {}),
      ...(typeof item.confirmedAt === 'string' ? { confirmedAt: item.confirmedAt } : {}),
    };
  });
}

/** The timeline event of a confirmation. */
export const HANDOVER_CONFIRMED = 'handover.confirmed';

/** Which items the client confirmed: some by id, or every item still open. */
export type HandoverChoice = { ids: readonly string[] } | 'all';

/**
 * Record the client's receipt of handover items. Items already confirmed keep their first time;
 * nothing left to confirm is unchanged; an unknown id (a stale page, a forged form) refuses, as
 * does an erased exit. The timeline names the items by place and id only, never by their text,
 * so it may stay after an erasure.
 */
export function confirmHandover(
  exit: Exit,
  choice: HandoverChoice,
  at: string,
): Decision<HandoverConfirmation, 'erased' | 'unknown-item'> {
  if (exit.erasedAt) return refuse('erased');
  const known = new Set(exit.handover.map((item) => item.id));
  if (choice !== 'all' && choice.ids.some((id) => !known.has(id))) return refuse('unknown-item');
  const asked = choice === 'all' ? known : new Set(choice.ids);
  const items = exit.handover
    .map((item, index) => ({ index, item }))
    .filter(({ item }) => asked.has(item.id) && !item.confirmedAt)
    .map(({ index, item }) => ({ index, item: { ...item, confirmedAt: at } }));
  if (items.length === 0) return UNCHANGED;
  const total = exit.handover.length;
  const confirmed = total - exit.handover.filter((i) => !i.confirmedAt).length + items.length;
  const which = items.map(({ index, item }) => `${index + 1} (${item.id})`).join(', ');
  return write({
    at,
    items,
    entry: {
      at,
      event: HANDOVER_CONFIRMED,
      detail: `The client confirmed receipt of handover item${items.length === 1 ? '' : 's'} ${which}; ${confirmed} of ${total} confirmed.`,
    },
  });
}

/** Whether the exit's effective date lies behind `now`, in the client's time zone. */
export function effectiveDatePassed(exit: Pick<Exit, 'effectiveOn' | 'client'>, now: Date) {
  const today = DateTime.fromJSDate(now, { zone: exit.client.timezone }).toISODate();
  // ISO dates compare as text.
  return today !== null && today > exit.effectiveOn;
}

/**
 * Handover items the client has not confirmed although the effective date has passed: what the
 * operator's digest and the exit page call out. None for a cancelled or erased exit (the client
 * stayed, or nothing about them is kept).
 */
export function unconfirmedHandover(exit: Exit, now: Date): HandoverItem[] {
  if (exit.erasedAt || exit.status === 'cancelled') return [];
  if (!effectiveDatePassed(exit, now)) return [];
  return exit.handover.filter((item) => !item.confirmedAt);
}
