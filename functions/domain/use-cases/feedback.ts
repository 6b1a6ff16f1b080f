import { EXIT_STATUSES, type Exit } from '../exit.js';
import { type FeedbackSummary, summarizeFeedback } from '../insights.js';
import type { ExitStore } from '../ports.js';

/**
 * How many exits the insights and the export read at most. Tens a year for a firm, a few
 * thousand for an agency platform: beyond this, the numbers would want an aggregate kept up to
 * date on each answer instead of a read of every exit.
 */
export const MAX_EXITS_READ = 10_000;

export interface AllExits {
  exits: Exit[];
  /** More exits exist than were read (`MAX_EXITS_READ`). */
  truncated: boolean;
}

/** Every exit of every status, through the byStatus index, a page at a time. */
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

/**
 * The survey answers of every exit, summarised for the insights page:
 * 1. Load every exit (at most `MAX_EXITS_READ`).
 * 2. Summarise their answers.
 */
export async function feedbackInsights(
  store: ExitStore,
): Promise<FeedbackSummary & { truncated: boolean }> {
  const { exits, truncated } = await allExits(store);
  return { ...summarizeFeedback(exits), truncated };
}
