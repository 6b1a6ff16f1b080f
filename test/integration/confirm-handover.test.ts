import { beforeEach, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { normaliseHandover } from '../../functions/domain/handover.js';
import { confirmReceipt, openHandover } from '../../functions/domain/use-cases/confirm-handover.js';
import { startClientHarness } from '../support/client-harness.js';
import { startForFile } from '../support/start-for-file.js';

const h = startForFile(() => startClientHarness('farewell-confirm-handover-test'));

beforeEach(() => {
  h.reset();
});

const three = normaliseHandover([
  { title: 'Source code', url: 'https://git.example.com/repo' },
  { title: 'Credentials', note: 'In your password manager' },
  'Runbooks',
]);

describe('confirmReceipt', () => {
  it('stores the time of one confirmed item and a timeline entry, and leaves the others open', async () => {
    const exit = await h.storedExit({ handover: three });

    const result = await confirmReceipt(h.survey, h.token(exit, 'handover'), { ids: ['h2'] });

    expect(result).toMatchObject({ outcome: 'confirmed', count: 1 });
    const stored = await h.reload(exit);
    expect(stored.handover).toEqual([
      three[0],
      { ...three[1], confirmedAt: h.now.toISOString() },
      three[2],
    ]);
    expect(stored.timeline.at(-1)).toMatchObject({
      event: 'handover.confirmed',
      detail: 'The client confirmed receipt of handover item 2 (h2); 1 of 3 confirmed.',
    });
  });

  it('keeps both of two confirmations of different items sent at once', async () => {
    const exit = await h.storedExit({ handover: three });
    const token = h.token(exit, 'handover');

    const results = await Promise.all([
      confirmReceipt(h.survey, token, { ids: ['h1'] }),
      confirmReceipt(h.survey, token, { ids: ['h3'] }),
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['confirmed', 'confirmed']);
    const stored = await h.reload(exit);
    expect(stored.handover.map((item) => Boolean(item.confirmedAt))).toEqual([true, false, true]);
    expect(stored.timeline.filter((e) => e.event === 'handover.confirmed')).toHaveLength(2);
  });

  it('confirms an item once when it is confirmed twice at once, keeping the first time', async () => {
    const exit = await h.storedExit({ handover: three });
    const token = h.token(exit, 'handover');

    const results = await Promise.all([
      confirmReceipt(h.survey, token, 'all'),
      confirmReceipt(h.survey, token, { ids: ['h2'] }),
    ]);

    const stored = await h.reload(exit);
    expect(stored.handover.every((item) => item.confirmedAt === h.now.toISOString())).toBe(true);
    const entries = stored.timeline.filter((e) => e.event === 'handover.confirmed');
    const count = results.reduce((n, r) => n + (r.outcome === 'confirmed' ? r.count : 0), 0);
    expect(count).toBe(3);
    expect(entries.length).toBe(results.filter((r) => r.outcome === 'confirmed').length);
  });

  it('confirms the plain-text items of an exit stored before handover objects', async () => {
    const base = await h.storedExit({ handover: [] });
    const old = { ...base, id: `${base.id}-old`, handover: ['Design files', 'Keys'] };
    await h.store.create(old as unknown as Exit);

    const opened = await openHandover(h.survey, h.token(old as unknown as Exit, 'handover'));
    const result = await confirmReceipt(h.survey, h.token(old as unknown as Exit, 'handover'), {
      ids: ['h2'],
    });

    expect(opened.ok && opened.exit.handover).toEqual([
      { id: 'h1', title: 'Design files' },
      { id: 'h2', title: 'Keys' },
    ]);
    expect(result.outcome).toBe('confirmed');
    expect((await h.reload(old as unknown as Exit)).handover).toEqual([
      { id: 'h1', title: 'Design files' },
      { id: 'h2', title: 'Keys', confirmedAt: h.now.toISOString() },
    ]);
  });

  it('writes nothing for an unknown item, and nothing again for a confirmed one', async () => {
    const exit = await h.storedExit({ handover: three });
    const token = h.token(exit, 'handover');
    await confirmReceipt(h.survey, token, { ids: ['h1'] });
    const before = await h.reload(exit);

    const unknown = await confirmReceipt(h.survey, token, { ids: ['h7'] });
    const again = await confirmReceipt(h.survey, token, { ids: ['h1'] });

    expect([unknown.outcome, again.outcome]).toEqual(['unknown-item', 'unchanged']);
    expect(await h.reload(exit)).toEqual(before);
  });

  it('opens nothing and writes nothing for an erased exit', async () => {
    const exit = await h.storedExit({ handover: three, erasedAt: h.now.toISOString() });

    const result = await confirmReceipt(h.survey, h.token(exit, 'handover'), 'all');

    expect(result).toEqual({ outcome: 'link-problem', problem: 'erased' });
    expect((await h.reload(exit)).handover).toEqual(three);
  });

  it('refuses a survey link on the handover page', async () => {
    const exit = await h.storedExit({ handover: three });

    const result = await confirmReceipt(h.survey, h.token(exit, 'survey'), 'all');

    expect(result).toEqual({ outcome: 'link-problem', problem: 'invalid' });
  });
});
