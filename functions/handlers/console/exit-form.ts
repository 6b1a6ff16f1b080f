/**
 * The new-exit form at the edge: its fields become the webhook's `exit.requested` data, validated
 * by the very same schema, and each problem is put back next to its field.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FieldProblem, ValidationError } from '../../domain/errors.js';
import {
  CLIENT_FIELDS,
  type ExitRequest,
  handoverFromLine,
  parseExitRequest,
} from '../../domain/exit-request.js';

/** Form field ↔ request path. */
const TOP_FIELDS = ['initiatedBy', 'reason', 'effectiveOn', 'relationshipStartedOn', 'externalId'];
const LIST_FIELDS = ['handover', 'highlights'] as const;

/** Messages a person reads better than the schema's, by form field. */
const FRIENDLY: Record<string, string> = {
  name: "Enter the client's name.",
  email: "Enter the client's email address, like name@example.com.",
  initiatedBy: 'Choose who is ending the engagement.',
};

const KEY = /^[A-Za-z0-9_-]{22}$/;

/** A fresh idempotency key for a new form. */
export function newFormKey(): string {
  return randomBytes(16).toString('base64url');
}

export function isFormKey(value: string | undefined): value is string {
  return value !== undefined && KEY.test(value);
}

function lines(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** The `exit.requested` data of the form: empty fields left out, lists one item per line. */
export function formToRequestData(fields: Record<string, string>): Record<string, unknown> {
  const given = (name: string) => {
    const value = fields[name]?.trim();
    return value ? value : undefined;
  };
  const client: Record<string, string> = {};
  for (const name of CLIENT_FIELDS) {
    const value = given(name);
    if (value !== undefined) client[name] = value;
  }
  const data: Record<string, unknown> = { client };
  for (const name of TOP_FIELDS) {
    const value = given(name);
    if (value !== undefined) data[name] = value;
  }
  for (const name of LIST_FIELDS) {
    const items = lines(fields[name]);
    // A handover line may carry a link and a note: `Title | https://… | note`.
    if (items) data[name] = name === 'handover' ? items.map(handoverFromLine) : items;
  }
  return data;
}

function capitalised(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The parts of a handover line (`Title | https://… | note`), as a problem names them. */
const PART_WORDS: Record<string, string> = { title: 'title', url: 'link', note: 'note' };

/** A schema problem (`client.email`, `handover.2`) as the form's field and a readable message. */
function toFormProblem(problem: FieldProblem, fields: Record<string, string>): FieldProblem {
  const [head = '', second, part] = problem.field.split('.');
  const field = head === 'client' && second ? second : head;
  if (LIST_FIELDS.includes(field as (typeof LIST_FIELDS)[number]) && second !== undefined) {
    const where = part ? `, ${PART_WORDS[part] ?? part}` : '';
    return { field, message: `Line ${Number(second) + 1}${where}: ${problem.message}.` };
  }
  const empty = !fields[field]?.trim();
  const friendly = FRIENDLY[field];
  // The name's own messages (too long, more than one line) say more than "enter it".
  if (friendly && (empty || field !== 'name')) return { field, message: friendly };
  return { field, message: capitalised(problem.message) };
}

export type ParsedExitForm =
  | { ok: true; request: ExitRequest }
  | { ok: false; problems: FieldProblem[] };

export function parseExitForm(fields: Record<string, string>): ParsedExitForm {
  try {
    return { ok: true, request: parseExitRequest(formToRequestData(fields)) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const seen = new Set<string>();
    const problems = error.problems
      .map((problem) => toFormProblem(problem, fields))
      .filter((problem) => !seen.has(problem.field) && seen.add(problem.field));
    return { ok: false, problems };
  }
}

/** What the preview showed, as a short fingerprint: confirming other fields previews again. */
export function requestFingerprint(request: ExitRequest): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('base64url').slice(0, 22);
}
