/**
 * `farewell import`: a CSV file, one row per `exit.requested`. Pure: parsing, mapping each row
 * to the webhook's request shape, validation through `parseExitRequest`, and the stable key
 * that makes a re-run start nothing twice.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../functions/domain/errors.js';
import {
  CLIENT_FIELDS,
  type ExitRequest,
  handoverFromLine,
  parseExitRequest,
} from '../functions/domain/exit-request.js';
import { UserError } from './errors.js';

export const IMPORT_COLUMNS = [
  ...CLIENT_FIELDS,
  'initiatedBy',
  'reason',
  'effectiveOn',
  'relationshipStartedOn',
  'handover',
  'highlights',
  'externalId',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];

const REQUIRED: Column[] = ['name', 'email', 'initiatedBy'];
const CLIENT: readonly Column[] = CLIENT_FIELDS;
const LISTS: Column[] = ['handover', 'highlights'];
/** Far beyond any real list, small enough that a wrong file fails fast. */
export const MAX_ROWS = 50_000;

export type ImportRow =
  | { line: number; ok: true; request: ExitRequest; key: string }
  | { line: number; ok: false; problems: { column: string; message: string }[] };

/** `client.email` → `email`, `handover.2` → `handover (item 3)`: the words of the CSV. */
function columnOf(field: string): string {
  const [head, second] = field.split('.');
  if (head === 'client' && second) return second;
  if (head && LISTS.includes(head as Column) && second !== undefined && /^\d+$/.test(second)) {
    const part = field.split('.')[2];
    return `${head} (item ${Number(second) + 1}${part ? `, ${part}` : ''})`;
  }
  return field === '(body)' ? 'row' : (head ?? field);
}

function toRequest(record: Record<string, string>): Record<string, unknown> {
  const cell = (column: Column) => {
    const value = record[column]?.trim();
    return value ? value : undefined;
  };
  const list = (column: Column) =>
    cell(column)
      ?.split(';')
      .map((item) => item.trim())
      .filter(Boolean);
  const client = Object.fromEntries(
    CLIENT.map((column) => [column, cell(column)]).filter(([, value]) => value !== undefined),
  );
  const request: Record<string, unknown> = { client };
  for (const column of IMPORT_COLUMNS) {
    if (CLIENT.includes(column)) continue;
    // A handover item may carry a link and a note: `Title | https://… | note`.
    const value =
      column === 'handover'
        ? list(column)?.map(handoverFromLine)
        : LISTS.includes(column)
          ? list(column)
          : cell(column);
    if (value !== undefined) request[column] = value;
  }
  return request;
}

/** JSON with sorted keys: the same row gives the same text whatever the column order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The row's idempotency key: its externalId when it has one (the CRM's own id: a corrected
 * row with the same id is still the same exit), else a hash of the validated, normalized row
 * (trimmed, country upper-cased, email lower-cased), so only an identical row is "the same".
 */
export function importKey(request: ExitRequest): string {
  if (request.externalId) return `external:${request.externalId}`;
  const normalized = {
    ...request,
    client: { ...request.client, email: request.client.email.toLowerCase() },
  };
  return `row:${createHash('sha256').update(canonical(normalized)).digest('hex')}`;
}

/**
 * Parses a whole CSV file. A file that is not CSV, or whose header is wrong, is one UserError;
 * a bad row is an `ok: false` row naming its line (the header is line 1) and each bad column.
 */
export function parseImport(text: string): ImportRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => checkHeader(header.map((name) => name.trim())),
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
      max_record_size: 64 * 1024,
    }) as typeof records;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`The file is not valid CSV: ${message}`, { cause: error });
  }
  if (records.length > MAX_ROWS) {
    throw new UserError(`The file has ${records.length} rows; import at most ${MAX_ROWS} at once.`);
  }
  return records.map(({ record, info }) => {
    const line = info.lines;
    try {
      const request = parseExitRequest(toRequest(record));
      return { line, ok: true, request, key: importKey(request) };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const problems = error.problems.map((p) => ({
        column: columnOf(p.field),
        message: p.message,
      }));
      return { line, ok: false, problems };
    }
  });
}

function checkHeader(header: string[]): string[] {
  const unknown = header.filter((name) => !IMPORT_COLUMNS.includes(name as Column));
  const missing = REQUIRED.filter((name) => !header.includes(name));
  const repeated = header.filter((name, at) => header.indexOf(name) !== at);
  const problems = [
    unknown.length > 0 ? `unknown column(s) ${unknown.map((n) => `"${n}"`).join(', ')}` : '',
    missing.length > 0 ? `missing required column(s) ${missing.join(', ')}` : '',
    repeated.length > 0 ? `repeated column(s) ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new UserError(
      `The header row (line 1) has ${problems.join('; ')}. Columns: ${IMPORT_COLUMNS.join(',')}.`,
    );
  }
  return header;
}
