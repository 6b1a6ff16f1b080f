import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { handoverFromLine, parseExitRequest } from '../../functions/domain/exit-request.js';
import {
  confirmHandover,
  HANDOVER_CONFIRMED,
  normaliseHandover,
  readHandover,
  unconfirmedHandover,
} from '../../functions/domain/handover.js';
import { buildExit } from '../support/exit-fixture.js';
import { thrownBy } from '../support/thrown.js';

const request = (handover: unknown) => ({
  client: { name: 'Ada', email: 'ada@example.com' },
  initiatedBy: 'firm',
  handover,
});

function problemsOf(handover: unknown) {
  return thrownBy(ValidationError, () => parseExitRequest(request(handover), 'data')).problems;
}

const at = '2025-03-10T10:00:00.000Z';

describe('handover items in a request', () => {
  it('accepts plain text and objects side by side, trimmed', () => {
    const parsed = parseExitRequest(
      request([
        ' Design files ',
        { title: ' Credentials ', url: ' https://vault.example.com/x ', note: ' In the vault ' },
        { title: 'Runbook', note: '' },
      ]),
    );

    expect(parsed.handover).toEqual([
      'Design files',
      { title: 'Credentials', url: 'https://vault.example.com/x', note: 'In the vault' },
      { title: 'Runbook' },
    ]);
  });

  it.each([
    ['http://files.example.com', 'an http link'],
    ['javascript:alert(1)', 'a script link'],
    ['https://user:pw@files.example.com', 'a link with credentials'],
    ['files.example.com', 'a link without scheme'],
  ])('refuses %s (%s), naming the url field', (url) => {
    expect(problemsOf(['Files', { title: 'Keys', url }])).toEqual([
      { field: 'data.handover.1.url', message: 'must be an https:// link' },
    ]);
  });

  it('names a missing title, a long note and a wrong type by their own fields', () => {
    expect(
      problemsOf([{ url: 'https://a.example' }, { title: 'A', note: 'x'.repeat(501) }, 42]),
    ).toEqual([
      { field: 'data.handover.0.title', message: 'is required' },
      { field: 'data.handover.1.note', message: 'must be at most 500 characters' },
      { field: 'data.handover.2', message: 'must be text or an object with a "title"' },
    ]);
  });

  it('refuses more than 50 items', () => {
    expect(problemsOf(Array.from({ length: 51 }, (_, i) => `Item ${i}`))).toEqual([
      { field: 'data.handover', message: 'must have at most 50 items' },
    ]);
  });
});

describe('handoverFromLine', () => {
  it('keeps a line without a bar as plain text', () => {
    expect(handoverFromLine('Design files')).toBe('Design files');
  });

  it('reads title, link and note in either order', () => {
    expect(handoverFromLine('Keys | In the vault | https://vault.example.com')).toEqual({
      title: 'Keys',
      url: 'https://vault.example.com',
      note: 'In the vault',
    });
  });

  it('takes anything with a scheme as the link, so the schema can refuse it', () => {
    expect(handoverFromLine('Keys | http://vault.example.com')).toEqual({
      title: 'Keys',
      url: 'http://vault.example.com',
    });
  });
});

describe('stored handover items', () => {
  it('gives each item the id of its place', () => {
    expect(normaliseHandover(['A', { title: 'B', url: 'https://b.example' }])).toEqual([
      { id: 'h1', title: 'A' },
      { id: 'h2', title: 'B', url: 'https://b.example' },
    ]);
  });

  it('reads the plain strings of an older exit as items', () => {
    expect(readHandover(['A', { id: 'h2', title: 'B', confirmedAt: at }])).toEqual([
      { id: 'h1', title: 'A' },
      { id: 'h2', title: 'B', confirmedAt: at },
    ]);
  });
});

describe('confirmHandover', () => {
  it('confirms one item with its place, the time and a timeline entry without its text', () => {
    const decision = confirmHandover(buildExit(), { ids: ['h2'] }, at);

    expect(decision).toEqual({
      outcome: 'write',
      change: {
        at,
        items: [{ index: 1, item: { id: 'h2', title: 'Hosting credentials', confirmedAt: at } }],
        entry: {
          at,
          event: HANDOVER_CONFIRMED,
          detail: 'The client confirmed receipt of handover item 2 (h2); 1 of 2 confirmed.',
        },
      },
    });
  });

  it('confirms all open items at once and leaves a confirmed one its first time', () => {
    const first = '2025-03-09T08:00:00.000Z';
    const exit = buildExit({
      handover: [
        { id: 'h1', title: 'A', confirmedAt: first },
        { id: 'h2', title: 'B' },
        { id: 'h3', title: 'C' },
      ],
    });

    const decision = confirmHandover(exit, 'all', at);

    expect(decision.outcome === 'write' && decision.change.items.map((i) => i.index)).toEqual([
      1, 2,
    ]);
  });

  it('is unchanged when everything asked for is confirmed already', () => {
    const exit = buildExit({ handover: [{ id: 'h1', title: 'A', confirmedAt: at }] });

    expect(confirmHandover(exit, 'all', at)).toEqual({ outcome: 'unchanged' });
    expect(confirmHandover(exit, { ids: ['h1'] }, at)).toEqual({ outcome: 'unchanged' });
  });

  it('refuses an id the exit does not have, and an erased exit', () => {
    expect(confirmHandover(buildExit(), { ids: ['h9'] }, at)).toEqual({
      outcome: 'refused',
      reason: 'unknown-item',
    });
    expect(confirmHandover(buildExit({ erasedAt: at }), 'all', at)).toEqual({
      outcome: 'refused',
      reason: 'erased',
    });
  });
});

describe('unconfirmedHandover', () => {
  // The fixture ends on 2025-03-31, Europe/Paris.
  it('lists nothing on or before the effective date', () => {
    expect(unconfirmedHandover(buildExit(), new Date('2025-03-31T21:00:00Z'))).toEqual([]);
  });

  it('lists the open items once the effective date has passed in the client zone', () => {
    const exit = buildExit({
      handover: [
        { id: 'h1', title: 'A', confirmedAt: at },
        { id: 'h2', title: 'B' },
      ],
    });

    expect(unconfirmedHandover(exit, new Date('2025-03-31T22:30:00Z'))).toEqual([
      { id: 'h2', title: 'B' },
    ]);
  });

  it('lists nothing for a cancelled or erased exit', () => {
    const later = new Date('2025-05-01T00:00:00Z');
    expect(unconfirmedHandover(buildExit({ status: 'cancelled' }), later)).toEqual([]);
    expect(unconfirmedHandover(buildExit({ erasedAt: at }), later)).toEqual([]);
  });
});
