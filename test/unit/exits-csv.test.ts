import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, exitsCsv } from '../../functions/rendering/exits-csv.js';
import { buildExit } from '../support/exit-fixture.js';

describe('a CSV cell', () => {
  it('is left as it is when nothing in it needs quoting', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell(7)).toBe('7');
    expect(csvCell(undefined)).toBe('');
  });

  it('is quoted, with quotes doubled, when it holds a comma, a quote or a line break', () => {
    expect(csvCell('Acme, Ltd')).toBe('"Acme, Ltd"');
    expect(csvCell('the "best"')).toBe('"the ""best"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-5', "'-5"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
  ])('neutralises the formula %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('ends each record with CRLF', () => {
    expect(csvRow(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });
});

describe('the exits export', () => {
  it('has a byte order mark, a header and one row per exit, oldest first', () => {
    const newer = buildExit({ createdAt: '2025-05-01T00:00:00.000Z' });
    const older = buildExit({ createdAt: '2025-01-01T00:00:00.000Z' });

    const lines = exitsCsv([newer, older]).split('\r\n');

    expect(lines[0]).toMatch(/^\uFEFFexit_id,status,source,created_at,/);
    expect(lines[1]?.startsWith(older.id)).toBe(true);
    expect(lines[2]?.startsWith(newer.id)).toBe(true);
    expect(lines[3]).toBe('');
  });

  it('leaves the name of an erased client out, and a withdrawn consent unpublishable', () => {
    const at = '2025-04-04T09:00:00.000Z';
    const exit = buildExit({
      erasedAt: at,
      survey: {
        answers: { reason: 'budget', score: 8, testimonial: 'Kind words.' },
        answeredAt: at,
        revisedAt: at,
        revision: 2,
        consent: { scope: 'name', givenAt: at, withdrawnAt: at },
      },
    });

    const [header = '', row = ''] = exitsCsv([exit]).replace('\uFEFF', '').split('\r\n');
    const cells = Object.fromEntries(
      header.split(',').map((name, at) => [name, row.split(',')[at]]),
    );

    expect(cells.client_name).toBe('');
    expect(cells.publish_as).toBe('');
    expect(cells.consent_withdrawn_at).toBe(at);
  });
});
