import { ValidationError } from '../errors.js';
import { EXIT_STATUSES, type Exit, type ExitStatus } from '../exit.js';
import { type FeedbackSummary, summarizeFeedback } from '../insights.js';
import type { ExitStore } from '../ports.js';

/**
 * How many exits the insights read at most. Tens a year for a firm, a few thousand for an agency
 * platform: beyond this, the numbers would want an aggregate kept up to date on each answer
 * instead of a read of every exit, and the page says that it was capped.
 */
export const MAX_EXITS_READ = 10_000;

/** Exits an export reads per store page: small enough that one page never overshoots a part. */
export const EXPORT_PAGE = 100;

export interface AllExits {
  exits: Exit[];
  /** More exits exist than were read (`max`). */
  truncated: boolean;
}

/** Every exit of every status, through the byStatus index, a page at a time, at most `max`. */
export async function allExits(store: ExitStore, max = MAX_EXITS_READ): Promise<AllExits> {
  const exits: Exit[] = [];
  for (const status of EXIT_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await store.listByStatus(status, {
        limit: Math.min(500, max - exits.length + 1),
        ...(cursor ? { cursor } : {}),
      });
      exits.push(...page.exits);
      if (exits.length > max) return { exits: exits.slice(0, max), truncated: true };
      cursor = page.cursor;
    } while (cursor);
  }
  return { exits, truncated: false };
}

/** What the insights were computed over: how many exits, and whether more were left out. */
export interface InsightsBasis {
  read: number;
  truncated: boolean;
  /** The bound the read stopped at when `truncated`. */
  max: number;
}

/**
 * The survey answers of every exit, summarised for the insights page:
 * 1. Load every exit (at most `max`, `MAX_EXITS_READ` unless given).
 * 2. Summarise their answers, and say over how many exits and whether capped.
 */
export async function feedbackInsights(
  store: ExitStore,
  max = MAX_EXITS_READ,
): Promise<FeedbackSummary & InsightsBasis> {
  const { exits, truncated } = await allExits(store, max);
  return { ...summarizeFeedback(exits), read: exits.length, truncated, max };
}

export interface ExportRequest {
  /** Where the previous part stopped (its `next`); the first part without. */
  cursor?: string;
  /** What one part may weigh, in the unit of `size`. */
  budget: number;
  /** What one exit weighs in the file (the rendering measures its row). */
  size: (exit: Exit) => number;
  /** Exits per store page; `EXPORT_PAGE` unless given. */
  pageSize?: number;
}

export interface ExportPart {
  exits: Exit[];
  /** Where the next part starts; absent on the last part. */
  next?: string;
}

/**
 * An export cursor: the status being read, and the store's cursor within it (absent at the start
 * of that status). Store cursors are base64url, which never holds `~`.
 */
function encodeExportCursor(status: ExitStatus, cursor?: string): string {
  return cursor ? `${status}~${cursor}` : status;
}

function decodeExportCursor(cursor: string): { status: ExitStatus; cursor?: string } {
  const [status = '', inner, ...rest] = cursor.split('~');
  if (!EXIT_STATUSES.includes(status as ExitStatus) || rest.length > 0 || inner === '') {
    throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this app gave out' }]);
  }
  return { status: status as ExitStatus, ...(inner ? { cursor: inner } : {}) };
}

/**
 * One part of the export: every exit from `cursor` on, status after status, a store page at a
 * time, until the next page would make the part weigh more than `budget`. Whole pages only, so
 * the part ends where a store cursor can resume; the first page is always taken (a page of the
 * heaviest rows fits a part: see the rendering's test). Throws `ValidationError` for a cursor it
 * did not give out.
 */
export async function exportPart(store: ExitStore, request: ExportRequest): Promise<ExportPart> {
  const pageSize = request.pageSize ?? EXPORT_PAGE;
  const start = request.cursor
    ? decodeExportCursor(request.cursor)
    : { status: EXIT_STATUSES[0] as ExitStatus };
  const exits: Exit[] = [];
  let weight = 0;
  for (const status of EXIT_STATUSES.slice(EXIT_STATUSES.indexOf(start.status))) {
    let cursor = status === start.status ? start.cursor : undefined;
    do {
      const page = await store.listByStatus(status, {
        limit: pageSize,
        ...(cursor ? { cursor } : {}),
      });
      const pageWeight = page.exits.reduce((sum, exit) => sum + request.size(exit), 0);
      if (exits.length > 0 && weight + pageWeight > request.budget) {
        return { exits, next: encodeExportCursor(status, cursor) };
      }
      exits.push(...page.exits);
      weight += pageWeight;
      cursor = page.cursor;
    } while (cursor);
  }
  return { exits };
}
