import type { Exit } from '../../domain/exit.js';
import { unconfirmedHandover } from '../../domain/handover.js';
import { clientTime } from './format.js';

/** The exit page's handover list: each item with the client's confirmation, or its absence. */
export interface HandoverPanelView {
  items: {
    title: string;
    url: string | null;
    note: string | null;
    /** When the client confirmed receipt (client's time), or null. */
    confirmed: string | null;
    /** Not confirmed although the effective date has passed: shown as needing attention. */
    overdue: boolean;
  }[];
  /** "2 of 3 confirmed by the client". */
  summary: string;
  /** Some item is overdue: the summary says so. */
  overdue: boolean;
}

/** The handover list as the operator reads it, as of `now`; null when nothing is handed over. */
export function handoverPanel(exit: Exit, now: Date): HandoverPanelView | null {
  if (exit.handover.length === 0) return null;
  const late = new Set(unconfirmedHandover(exit, now).map((item) => item.id));
  const confirmed = exit.handover.filter((item) => item.confirmedAt).length;
  const total = exit.handover.length;
  return {
    items: exit.handover.map((item) => ({
      title: item.title,
      url: item.url ?? null,
      note: item.note ?? null,
      confirmed: item.confirmedAt ? clientTime(item.confirmedAt, exit.client.timezone) : null,
      overdue: late.has(item.id),
    })),
    summary: `${confirmed} of ${total} confirmed by the client${
      late.size > 0 ? `; ${late.size} still open after the effective date` : ''
    }.`,
    overdue: late.size > 0,
  };
}
