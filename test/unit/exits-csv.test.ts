import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, exitsCsv } from '../../functions/rendering/exits-csv.js';
import { buildExit } from '../support/exit-fixture.js';

describe('a CSV cell', () => {
  it('is always quoted when it holds text; a number or nothing stays bare', () => {
    expect(csvCell('Ada Lovelace')).toBe('"Ada Lovelace"');
    expect(csvCell('')).toBe('""');
    expect(csvCell(7)).toBe('7');
    expect(csvCell(undefined)).toBe('');
  });

  it.each([
    ['x;=1+1', `"'x;=1+1"`],
    ['x,=1+1', `"'x,=1+1"`],
    ['x|=1+1', `"'x|=1+1"`],
    ['x\t+1', `"'x\t+1"`],
    ['a; -5', `"a; -5"`],
    ['x;@SUM(A1)', `"'x;@SUM(A1)"`],
    ['x;\r=1', `"'x;\r=1"`],
  ])('neutralises a formula after a separator spreadsheets split on: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('is quoted, with quotes doubled, when it holds a comma, a quote or a line break', () => {
    expect(csvCell('Acme, Ltd')).toBe('"Acme, Ltd"');
    expect(csvCell('the "best"')).toBe('"the ""best"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
  });

  it.each([
    ['=1+1', `"'=1+1"`],
    ['+44 20 7946 0000', `"'+44 20 7946 0000"`],
    ['-5', `"'-5"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1', `"'\t=1"`],
    ['=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
  ])('neutralises the formula %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('ends each record with CRLF', () => {
    expect(csvRow(['a', 'b,c'])).toBe('"a","b,c"\r\n');
  });

  it('never lets a spreadsheet splitting on , ; tab or | see a formula start (property)', () => {
    const hostile = fc.string({
      unit: fc.constantFrom(
        'a',
        ' ',
        '"',
        "'",
        '=',
        '+',
        '-',
        '@',
        '\t',
        '\r',
        '\n',
        ',',
        ';',
        '|',
      ),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.oneof(hostile, fc.string()), (value) => {
        const cell = csvCell(value);
        // Quoted whole, so no separator of any locale splits it; quotes inside doubled.
        expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
        const inner = cell.slice(1, -1);
        expect(inner.replaceAll('""', '')).not.toContain('"');
        const text = inner.replaceAll('""', '"');
        // A reader that ignores quotes and splits on any separator still meets a leading `'`
        // first, which marks the whole cell as text.
        if (/(^|[,;\t|])[=+\-@\t\r]/.test(value)) expect(text).toBe(`'${value}`);
        else expect(text).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the exits export', () => {
  it('has a byte order mark, a header and one row per exit, oldest first', () => {
    const newer = buildExit({ createdAt: '2025-05-01T00:00:00.000Z' });
    const older = buildExit({ createdAt: '2025-01-01T00:00:00.000Z' });

    const lines = exitsCsv([newer, older]).split('\r\n');

    expect(lines[0]).toMatch(/^\uFEFF"exit_id","status","source","created_at",/);
    expect(lines[1]?.startsWith(`"${older.id}"`)).toBe(true);
    expect(lines[2]?.startsWith(`"${newer.id}"`)).toBe(true);
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
    const unquote = (cell: string | undefined) => cell?.replace(/^"(.*)"$/, '$1');
    const cells = Object.fromEntries(
      header.split(',').map((name, at) => [unquote(name), unquote(row.split(',')[at])]),
    );

    expect(cells.client_name).toBe('');
    expect(cells.publish_as).toBe('');
    expect(cells.consent_withdrawn_at).toBe(at);
  });
});
