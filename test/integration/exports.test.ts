/**
 * The CSV export and the insights past their bound, against dynalite: the bounds are lowered
 * through parameters so a handful of exits stands for the tens of thousands they guard against.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { ValidationError } from '../../functions/domain/errors.js';
import type { Exit, ExitStatus } from '../../functions/domain/exit.js';
import { exportPart, feedbackInsights } from '../../functions/domain/use-cases/feedback.js';
import { insightsView } from '../../functions/rendering/console/insights.js';
import { buildExit } from '../support/exit-fixture.js';
import { startLocalTable } from '../support/local-clients.js';
import { startForFile } from '../support/start-for-file.js';

const tableName = 'farewell-exports-test';
const STATUSES: ExitStatus[] = ['active', 'paused', 'cancelled', 'completed'];
const COUNT = 23;

const table = startForFile(() => startLocalTable(tableName));
let store: DynamoExitStore;
const stored: Exit[] = [];

beforeAll(async () => {
  store = new DynamoExitStore(table.documents, tableName);
  for (let at = 0; at < COUNT; at += 1) {
    const minute = String(at).padStart(2, '0');
    const exit = buildExit({
      status: STATUSES[at % STATUSES.length] as ExitStatus,
      createdAt: `2025-03-03T09:${minute}:00.000Z`,
      ...(at % 3 === 0
        ? {
            survey: {
              answers: { reason: 'budget', score: at % 11 },
              answeredAt: '2025-04-05T10:00:00.000Z',
              revisedAt: '2025-04-05T10:00:00.000Z',
              revision: 1,
            },
          }
        : {}),
    });
    await store.create(exit);
    stored.push(exit);
  }
});

describe('the CSV export, in parts', () => {
  it('reads every exit past the bound of one part, each exit in exactly one part', async () => {
    // Each exit "weighs" 1: parts of at most 5 exits, read 2 at a time.
    const parts: Exit[][] = [];
    let cursor: string | undefined;
    do {
      const part = await exportPart(store, {
        ...(cursor ? { cursor } : {}),
        budget: 5,
        size: () => 1,
        pageSize: 2,
      });
      expect(part.exits.length).toBeLessThanOrEqual(5);
      parts.push(part.exits);
      cursor = part.next;
    } while (cursor && parts.length < 50);

    const ids = parts.flat().map((exit) => exit.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(stored.map((exit) => exit.id).sort());
    expect(parts.length).toBeGreaterThan(COUNT / 5);
  });

  it('holds everything in one part, with no next, when it fits', async () => {
    const part = await exportPart(store, { budget: 1_000_000, size: () => 1 });

    expect(part.exits).toHaveLength(COUNT);
    expect(part.next).toBeUndefined();
  });

  it('refuses a cursor it did not give out', async () => {
    await expect(
      exportPart(store, { cursor: 'nope', budget: 5, size: () => 1 }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('the insights', () => {
  it('say over how many exits they were computed, and that they were capped', async () => {
    const capped = await feedbackInsights(store, 10);
    const whole = await feedbackInsights(store, 1_000);

    expect(capped).toMatchObject({ read: 10, truncated: true, max: 10 });
    expect(whole).toMatchObject({ read: COUNT, truncated: false });
    expect(whole.answered).toBe(stored.filter((exit) => exit.survey).length);
    const shell = { nav: [], operator: null } as never;
    expect(insightsView(capped, shell).basis).toBe(
      'Computed over 10 exits, the most the insights read at once: there are more, which these numbers leave out. The CSV export has them all.',
    );
    expect(insightsView(whole, shell).basis).toBe(`Computed over ${COUNT} exits: every exit.`);
  });
});
