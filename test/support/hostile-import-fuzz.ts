/**
 * CSV import under hostile input: `parseImport` on generated files (headers in any order, with
 * unknown, repeated or missing columns, BOMs, every line ending, quoting done right and wrong,
 * hostile cells), and the `farewell --local import` command on temporary files against the
 * running local stack.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { UserError } from '../../cli/errors.js';
import { IMPORT_COLUMNS, importKey, parseImport } from '../../cli/import-rows.js';
import { main } from '../../cli/main.js';
import { exitRequestSchema } from '../../functions/domain/exit-request.js';
import { cliIo } from './cli-io.js';
import {
  acceptedLine,
  anyDate,
  hostileEmail,
  hostileText,
  validCountry,
  validEmail,
  validLocale,
  validName,
  validZone,
} from './hostile-arbitraries.js';
import { type FuzzFigures, fuzz } from './hostile-fuzz.js';
import { leaksIn } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';

type Column = (typeof IMPORT_COLUMNS)[number];

/** A cell: valid for its column most of the time, else hostile. */
function cell(column: Column): fc.Arbitrary<string> {
  const valid: Record<Column, fc.Arbitrary<string>> = {
    name: fc.oneof(validName, acceptedLine(200)),
    greetingName: fc.oneof(fc.constant(''), validName, acceptedLine(60)),
    email: validEmail,
    company: fc.oneof(fc.constant('Engines, "Best" Ltd'), acceptedLine(200)),
    timezone: validZone,
    country: validCountry,
    locale: validLocale,
    initiatedBy: fc.constantFrom('firm', 'client', ' Firm ', 'both'),
    reason: hostileText,
    effectiveOn: anyDate,
    relationshipStartedOn: anyDate,
    // Items may carry a link and a note (`Title | https://… | note`); some links are refused.
    handover: fc
      .array(
        fc.oneof(
          { weight: 3, arbitrary: acceptedLine(500) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'Keys | https://vault.example.com/a?b=1 | In the vault',
              'Docs | Read the README first | https://docs.example.com/ü',
              'Repo | http://git.example.com',
              'Board | javascript:alert(1)',
              '| https://no-title.example.com',
            ),
          },
        ),
        { maxLength: 3 },
      )
      .map((items) => items.join(';')),
    highlights: fc.array(hostileText, { maxLength: 3 }).map((items) => items.join(' ; ')),
    // Most rows name a CRM id from a small pool: re-imports find their exit (and stay cheap).
    externalId: fc.oneof(
      { weight: 4, arbitrary: fc.nat({ max: 40 }).map((n) => `crm-import-${n}`) },
      { weight: 1, arbitrary: acceptedLine(200) },
      { weight: 1, arbitrary: fc.constant('') },
    ),
  };
  const hostile = column === 'email' ? hostileEmail : hostileText;
  return fc.oneof({ weight: 6, arbitrary: valid[column] }, { weight: 1, arbitrary: hostile });
}

export interface CsvCase {
  header: string[];
  rows: Record<string, string>[];
  quoting: 'rfc4180' | 'always' | 'raw';
  newline: '\n' | '\r\n' | '\r';
  bom: boolean;
  trailing: string;
  ragged: boolean;
}

const REQUIRED: Column[] = ['name', 'email', 'initiatedBy'];
const OPTIONAL = IMPORT_COLUMNS.filter((column) => !REQUIRED.includes(column));

const header = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.shuffledSubarray(OPTIONAL), fc.nat()).map(([optional, seed]) => {
      const columns: string[] = [...optional];
      for (const [at, column] of REQUIRED.entries()) {
        columns.splice((seed >> (at * 4)) % (columns.length + 1), 0, column);
      }
      return columns;
    }),
  },
  { weight: 1, arbitrary: fc.shuffledSubarray([...IMPORT_COLUMNS], { minLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.shuffledSubarray([...IMPORT_COLUMNS], { minLength: 1 }),
        fc.constantFrom('mail', 'Name', ' email ', 'name', '__proto__', '', 'constructor'),
      )
      .map(([columns, odd]) => [...columns, odd]),
  },
);

const row = fc.record(
  Object.fromEntries(IMPORT_COLUMNS.map((column) => [column, cell(column)])) as Record<
    Column,
    fc.Arbitrary<string>
  >,
);

/** Files of `rows` rows: a header, the rows, and how they are written. */
function csvFile(rows: fc.Arbitrary<Record<string, string>[]>): fc.Arbitrary<CsvCase> {
  return fc.record({
    header,
    rows,
    quoting: fc.oneof(
      { weight: 8, arbitrary: fc.constant<CsvCase['quoting']>('rfc4180') },
      { weight: 1, arbitrary: fc.constantFrom<CsvCase['quoting']>('always', 'raw') },
    ),
    newline: fc.constantFrom<CsvCase['newline']>('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    trailing: fc.constantFrom('', '\n', '\n\n', ',,,', ' '),
    ragged: fc.nat({ max: 19 }).map((n) => n === 0),
  });
}

export const csvCase: fc.Arbitrary<CsvCase> = csvFile(fc.array(row, { maxLength: 6 }));

function quote(value: string, quoting: CsvCase['quoting']): string {
  if (quoting === 'raw') return value;
  if (quoting === 'always' || /[",\r\n]/.test(value) || value !== value.trim()) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

/** The file a case describes. */
export function csvText(c: CsvCase): string {
  const lines = [c.header.map((name) => quote(name, c.quoting)).join(',')];
  for (const [at, record] of c.rows.entries()) {
    const cells = c.header.map((name) =>
      quote(Object.hasOwn(record, name) ? (record[name] ?? '') : '', c.quoting),
    );
    if (c.ragged && at === 0) cells.push('extra');
    lines.push(cells.join(','));
  }
  return `${c.bom ? '\ufeff' : ''}${lines.join(c.newline)}${c.trailing}`;
}

/** Columns a bad row may name (`handover (item 2)` for a list's item, `, url` for its part). */
const PROBLEM_COLUMN = new RegExp(
  `^(?:${IMPORT_COLUMNS.join('|')}|row)(?: \\(item \\d+(?:, (?:title|url|note))?\\))?$`,
);

/** `parseImport` on a generated file: one UserError, or rows each valid or naming what is bad. */
export async function fuzzParseImport(runs: number): Promise<FuzzFigures> {
  return fuzz('CSV import: parseImport', csvCase, runs, (c, tally) => {
    const text = csvText(c);
    let rows: ReturnType<typeof parseImport>;
    try {
      rows = parseImport(text);
    } catch (error) {
      if (!(error instanceof UserError)) throw new Error(`parseImport threw ${String(error)}`);
      const leaks = leaksIn(error.message.replace(/^The file is not valid CSV: /, ''));
      if (/\n\s+at /.test(error.message) || leaks.includes('a file path')) {
        throw new Error(`a file-level message with a trace or path: ${error.message}`);
      }
      tally.add('file refused');
      return;
    }
    let previous = 1;
    for (const parsed of rows) {
      if (parsed.line <= previous) throw new Error(`row numbers out of order: ${parsed.line}`);
      previous = parsed.line;
      if (parsed.ok) {
        tally.add('row ok');
        if (!exitRequestSchema.safeParse(parsed.request).success) {
          throw new Error(
            `an accepted row the webhook schema refuses: ${JSON.stringify(parsed.request)}`,
          );
        }
        if (parsed.key !== importKey(parsed.request)) throw new Error('an unstable row key');
      } else {
        tally.add('row refused');
        if (parsed.problems.length === 0) throw new Error('a refused row naming no column');
        for (const problem of parsed.problems) {
          if (!PROBLEM_COLUMN.test(problem.column)) {
            throw new Error(`a problem naming ${JSON.stringify(problem.column)}`);
          }
          const leaks = leaksIn(problem.message);
          if (leaks.length > 0)
            throw new Error(`a row message with ${leaks.join(', ')}: ${problem.message}`);
        }
      }
    }
  });
}

interface CliCase {
  file: CsvCase;
  dryRun: boolean;
}

/** Every address in a case's cells, which the command must never print. */
function addressesIn(c: CsvCase): string[] {
  return c.rows
    .map((record) => record.email ?? '')
    .filter((email) => /^[^\s@]+@[^\s@]+$/.test(email.trim()))
    .map((email) => email.trim());
}

/**
 * `farewell --local import [--dry-run] <file>` in this process, against the running stack, on
 * files of `rowsPerFile` rows until `rows` rows have been imported. Counts rows, not files.
 */
export async function fuzzImportCommand(
  stack: HostileStack,
  rows: number,
  rowsPerFile = 20,
): Promise<FuzzFigures> {
  const scratch = mkdtempSync(join(tmpdir(), 'farewell-hostile-import-'));
  const files = Math.ceil(rows / rowsPerFile);
  const fileCase = fc.record({
    file: csvFile(fc.array(row, { minLength: rowsPerFile, maxLength: rowsPerFile })),
    dryRun: fc.boolean(),
  });
  let imported = 0;
  let file = 0;
  try {
    const figures = await fuzz(
      'CSV import: farewell import',
      fileCase,
      files,
      async (c: CliCase, tally) => {
        file += 1;
        const path = join(scratch, `rows-${file}.csv`);
        writeFileSync(path, csvText(c.file));
        const { io, output } = cliIo(stack.harness.stack.dataDir);
        const code = await main(
          ['--local', 'import', ...(c.dryRun ? ['--dry-run'] : []), path],
          io,
        );
        const { stdout: out, stderr: err } = output();
        imported += c.file.rows.length;
        tally.add(`exit ${code}`);
        const problems: string[] = [];
        const summary =
          /^(?:Dry run: )?(\d+) (?:started|would start), (\d+) already exist(?:ed)?, (\d+) failed$/m.exec(
            out,
          );
        if (code === 0 || (code === 1 && summary)) {
          if (!summary) problems.push(`no summary line: ${out}`);
          const [started = 0, existed = 0, failed = 0] = (summary ?? []).slice(1).map(Number);
          if (started + existed + failed !== c.file.rows.length) {
            problems.push(`${started} + ${existed} + ${failed} is not ${c.file.rows.length} rows`);
          }
          if (failed > 0 !== (code === 1)) problems.push(`exit code ${code} with ${failed} failed`);
          tally.add(c.dryRun ? 'dry-run file' : 'imported file');
        } else if (code === 1) {
          tally.add('file refused');
        } else {
          problems.push(`exit code ${code}`);
        }
        if (/Unexpected error/.test(err))
          problems.push(`an unexpected error: ${err.slice(0, 300)}`);
        if (/\n\s+at .+:\d+:\d+/.test(err)) problems.push('a stack trace on stderr');
        for (const address of addressesIn(c.file)) {
          if (`${out}${err}`.includes(address)) problems.push('an address printed');
        }
        if (problems.length > 0) {
          throw new Error(
            `${problems.join('; ')}\nstdout: ${out.slice(0, 300)}\nstderr: ${err.slice(0, 600)}`,
          );
        }
      },
    );
    return { ...figures, cases: imported };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
