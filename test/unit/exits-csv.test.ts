import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../functions/domain/survey.js';
import { EXPORT_PAGE } from '../../functions/domain/use-cases/feedback.js';
import {
  csvCell,
  csvRow,
  EXPORT_PART_BYTES,
  exitRowBytes,
  exitsCsv,
} from '../../functions/rendering/exits-csv.js';
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

describe('the export in parts', () => {
  it('ends a part that is not the last with a plain row naming the next part', () => {
    const exit = buildExit();
    const nextHref = 'https://console.example/admin/exports/exits.csv?part=3&cursor=abc';

    const lines = exitsCsv([exit], { part: 2, nextHref }).split('\r\n');
    const header = lines[0]?.split(',') ?? [];

    expect(lines[1]?.startsWith(`"${exit.id}"`)).toBe(true);
    expect(lines[2]).toBe(
      `"Part 2 ends here and more exits follow: download part 3 from ${nextHref}"${','.repeat(header.length - 1)}`,
    );
    expect(lines[3]).toBe('');
    expect(exitsCsv([exit])).not.toContain('more exits follow');
  });

  it('weighs a row as the JSON body of the Lambda carries it', () => {
    const exit = buildExit({ client: { ...buildExit().client, name: 'Zoë "Q" \u00e9cole\n' } });
    const row = exitsCsv([exit]).split('\r\n')[1] ?? '';

    expect(exitRowBytes(exit)).toBe(Buffer.byteLength(JSON.stringify(`${row}\r\n`)) - 2);
  });

  it('keeps a store page of the heaviest possible rows within one part', () => {
    // Every text field at its limit, all quotes: doubled in CSV, then escaped in JSON.
    const text = (length: number) => '"'.repeat(length);
    const heaviest = buildExit({
      client: {
        name: text(200),
        email: `${'a'.repeat(64)}@${'b'.repeat(185)}.com`,
        company: text(200),
        timezone: 'America/Argentina/ComodRivadavia',
        country: 'FR',
        locale: 'en-GB',
      },
      externalId: text(200),
      reason: text(2000),
      survey: {
        answers: {
          reason: 'other',
          reasonDetail: text(TEXT_LIMITS.reasonDetail),
          whatWorked: text(TEXT_LIMITS.whatWorked),
          whatDidNot: text(TEXT_LIMITS.whatDidNot),
          improve: text(TEXT_LIMITS.improve),
          testimonial: text(TEXT_LIMITS.testimonial),
          score: 10,
          winBack: 'maybe',
          publishAs: 'name',
        },
        answeredAt: '2025-04-04T09:00:00.000Z',
        revisedAt: '2025-04-04T09:00:00.000Z',
        revision: 20,
        consent: { scope: 'name', givenAt: '2025-04-04T09:00:00.000Z' },
      },
    });

    expect(exitRowBytes(heaviest) * EXPORT_PAGE).toBeLessThanOrEqual(EXPORT_PART_BYTES);
    // Headroom under API Gateway's 6 MB for the headers and the response envelope.
    expect(EXPORT_PART_BYTES).toBeLessThanOrEqual(6 * 1024 * 1024 - 512 * 1024);
  });
});
