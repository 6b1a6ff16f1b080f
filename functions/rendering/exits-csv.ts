/**
 * The CSV export of exits and their survey answers (`/admin/exports/exits.csv`). Pure.
 *
 * RFC 4180: comma-separated, CRLF line ends, a header row. Every text cell is quoted (quotes inside
 * doubled): the file is opened by spreadsheets that split on `;`, tab or `|` in many locales (German
 * and French Excel split on `;`), and a quoted cell is one cell whichever separator they choose.
 * Spreadsheets execute a cell that starts with `=`, `+`, `-` or `@` (and tab or CR, which some
 * treat the same) as a formula: a client could type `=HYPERLINK(…)` into the survey. Such a cell,
 * and one where a formula start follows any of those separators (`x;=1+1`, for a reader that
 * ignores the quotes), gets a leading `'`, which spreadsheets show as text and hide, per OWASP's
 * CSV-injection advice.
 */
import type { Exit } from '../domain/exit.js';
import { REASON_LABELS, WIN_BACK_LABELS } from '../domain/survey.js';

/** A formula start at the cell's start or after a separator (`,` `;` tab `|`). */
const FORMULA_START = /(^|[,;\t|])[=+\-@\t\r]/;

/** One cell: a number bare, text formula-neutralised and quoted. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(cells: readonly (string | number | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const COLUMNS: [header: string, value: (exit: Exit) => string | number | undefined][] = [
  ['exit_id', (e) => e.id],
  ['status', (e) => e.status],
  ['source', (e) => e.source],
  ['created_at', (e) => e.createdAt],
  ['initiated_by', (e) => e.initiatedBy],
  ['effective_on', (e) => e.effectiveOn],
  ['relationship_started_on', (e) => e.relationshipStartedOn],
  ['client_name', (e) => (e.erasedAt ? undefined : e.client.name)],
  ['client_email', (e) => e.client.email || undefined],
  ['company', (e) => e.client.company],
  ['country', (e) => e.client.country],
  ['timezone', (e) => e.client.timezone],
  ['external_id', (e) => e.externalId],
  ['firm_reason', (e) => e.reason],
  ['survey_answered_at', (e) => e.survey?.answeredAt],
  ['survey_revised_at', (e) => e.survey?.revisedAt],
  ['score', (e) => e.survey?.answers.score],
  ['leaving_reason', (e) => (e.survey ? REASON_LABELS[e.survey.answers.reason] : undefined)],
  ['leaving_reason_detail', (e) => e.survey?.answers.reasonDetail],
  ['what_worked', (e) => e.survey?.answers.whatWorked],
  ['what_did_not', (e) => e.survey?.answers.whatDidNot],
  ['improve', (e) => e.survey?.answers.improve],
  [
    'would_come_back',
    (e) => (e.survey?.answers.winBack ? WIN_BACK_LABELS[e.survey.answers.winBack] : undefined),
  ],
  ['testimonial', (e) => e.survey?.answers.testimonial],
  [
    'publish_as',
    (e) =>
      e.survey?.consent && !e.survey.consent.withdrawnAt ? e.survey.consent.scope : undefined,
  ],
  ['consent_given_at', (e) => e.survey?.consent?.givenAt],
  ['consent_withdrawn_at', (e) => e.survey?.consent?.withdrawnAt],
  ['erased_at', (e) => e.erasedAt],
];

/**
 * What one part of the export may weigh, as `exitRowBytes` counts. A Lambda behind API Gateway
 * answers at most 6 MB of JSON, headers and all; 5 MB of body leaves room for the rest, and a store
 * page of the heaviest rows (every text field at its limit, all quotes) stays under it, so a part
 * that takes whole pages never overshoots (see the unit test).
 */
export const EXPORT_PART_BYTES = 5 * 1024 * 1024;

function exitRow(exit: Exit): string {
  return csvRow(COLUMNS.map(([, value]) => value(exit)));
}

/**
 * The bytes an exit's row adds to the Lambda's response: the body travels as a JSON string,
 * where each quote and line break takes two characters, and UTF-8 up to three bytes a character.
 */
export function exitRowBytes(exit: Exit): number {
  return Buffer.byteLength(JSON.stringify(exitRow(exit))) - 2;
}

/** Where a part that is not the last says the export goes on. */
export interface ExportContinuation {
  /** This part's number, from 1. */
  part: number;
  /** The absolute address of the next part. */
  nextHref: string;
}

/**
 * Every exit as one row, oldest first. Starts with a UTF-8 byte order mark: without it, Excel
 * reads the file as the system's legacy code page and mangles every accented name. A part that is
 * not the last ends with one more row, in the first column and plainly worded, that says so and
 * gives the address of the next part: a file that only stops would look complete.
 */
export function exitsCsv(exits: readonly Exit[], continuation?: ExportContinuation): string {
  const rows = [...exits].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const more = continuation
    ? csvRow([
        `Part ${continuation.part} ends here and more exits follow: download part ${continuation.part + 1} from ${continuation.nextHref}`,
        ...COLUMNS.slice(1).map(() => undefined),
      ])
    : '';
  return `\uFEFF${csvRow(COLUMNS.map(([header]) => header))}${rows.map(exitRow).join('')}${more}`;
}
