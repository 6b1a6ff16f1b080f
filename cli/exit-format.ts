/** How exits read in a terminal: a table for `exits list`, a report for `exits show`. Pure. */
import { DateTime } from 'luxon';
import type { Exit, Step } from '../functions/domain/exit.js';
import { orderedSteps } from '../functions/domain/exit.js';
import { safe } from './errors.js';

/** `2025-03-03 09:02 UTC`. */
export function utc(iso: string): string {
  const at = DateTime.fromISO(iso, { zone: 'utc' });
  return at.isValid ? at.toFormat("yyyy-MM-dd HH:mm 'UTC'") : safe(iso);
}

/** `Mon 3 Mar 10:02 Europe/London`: when the client sees it. */
function local(iso: string, zone: string): string {
  const at = DateTime.fromISO(iso, { zone });
  return at.isValid ? `${at.toFormat('ccc d LLL HH:mm')} ${zone}` : '';
}

function clip(text: string, width: number): string {
  const clean = safe(text).replace(/\s+/g, ' ');
  return clean.length <= width ? clean : `${clean.slice(0, width - 1)}…`;
}

/** The step that goes out next, if any. */
export function nextStep(exit: Exit): Step | undefined {
  return orderedSteps(exit).find((step) => step.state === 'scheduled' || step.state === 'sending');
}

function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** One line per exit; no email addresses (a list is easily pasted somewhere). */
export function exitTable(exits: Exit[]): string[] {
  const rows = exits.map((exit) => {
    const next = nextStep(exit);
    return [
      exit.id,
      exit.status,
      clip(exit.client.name, 28),
      clip(exit.client.company ?? '', 24),
      exit.effectiveOn,
      next ? `${next.id} ${utc(next.dueAt)}` : '—',
    ];
  });
  return table([['EXIT', 'STATUS', 'CLIENT', 'COMPANY', 'EFFECTIVE', 'NEXT STEP'], ...rows]);
}

function list(label: string, items: string[]): string[] {
  if (items.length === 0) return [`  ${label.padEnd(14)}none`];
  return items.map((item, at) => `  ${(at === 0 ? label : '').padEnd(14)}- ${safe(item)}`);
}

function stepLine(step: Step, zone: string): string {
  const when = step.sentAt ? `sent ${utc(step.sentAt)}` : `due ${utc(step.dueAt)}`;
  const extra = [
    step.state === 'scheduled' ? `(${local(step.dueAt, zone)})` : '',
    step.reason ? `— ${safe(step.reason)}` : '',
    step.messageId ? `message ${safe(step.messageId)}` : '',
  ].filter(Boolean);
  return `  ${step.id.padEnd(17)}${step.state.padEnd(11)}${[when, ...extra].join('  ')}`;
}

const SURVEY_FIELDS: [string, string][] = [
  ['reason', 'Reason'],
  ['reasonDetail', 'In their words'],
  ['whatWorked', 'What worked'],
  ['whatDidNot', 'What did not'],
  ['improve', 'To improve'],
  ['score', 'Recommend (0–10)'],
  ['winBack', 'Would come back'],
  ['testimonial', 'Testimonial'],
  ['publishAs', 'Publish as'],
];

function surveyLines(exit: Exit): string[] {
  const survey = exit.survey;
  if (!survey) return ['Survey', '  not answered'];
  const answers = (survey.answers ?? {}) as unknown as Record<string, unknown>;
  const lines = ['Survey', `  ${'Answered'.padEnd(18)}${utc(survey.answeredAt)}`];
  for (const [field, label] of SURVEY_FIELDS) {
    const value = answers[field];
    if (value === undefined || value === '') continue;
    const [first = '', ...rest] = safe(String(value)).split('\n');
    lines.push(`  ${label.padEnd(18)}${first}`, ...rest.map((line) => `  ${''.padEnd(18)}${line}`));
  }
  if (survey.consent) {
    const consent = survey.consent;
    const state = consent.withdrawnAt
      ? `withdrawn ${utc(consent.withdrawnAt)}`
      : `given ${utc(consent.givenAt)}`;
    lines.push(`  ${'Consent'.padEnd(18)}${consent.scope}, ${state}`);
  }
  return lines;
}

/** Everything about one exit, for the operator's own terminal (the client's address included). */
export function exitReport(exit: Exit): string[] {
  const { client } = exit;
  const where = [client.timezone, client.country, client.locale].filter(Boolean).join(', ');
  const lines = [
    `Exit ${exit.id}  ${exit.status}  (from ${exit.source}, created ${utc(exit.createdAt)})`,
    '',
    `  ${'Client'.padEnd(14)}${safe(client.name)} <${safe(client.email)}>`,
    ...(client.company ? [`  ${'Company'.padEnd(14)}${safe(client.company)}`] : []),
    `  ${'Where'.padEnd(14)}${where}`,
    `  ${'Initiated by'.padEnd(14)}${exit.initiatedBy}`,
    ...(exit.reason
      ? [`  ${'Reason'.padEnd(14)}${safe(exit.reason).replace(/\n/g, `\n  ${''.padEnd(14)}`)}`]
      : []),
    `  ${'Effective on'.padEnd(14)}${exit.effectiveOn}`,
    ...(exit.relationshipStartedOn
      ? [`  ${'Client since'.padEnd(14)}${exit.relationshipStartedOn}`]
      : []),
    ...(exit.externalId ? [`  ${'External id'.padEnd(14)}${safe(exit.externalId)}`] : []),
    ...list(
      'Handover',
      exit.handover.map(
        (item) =>
          `${item.title}${item.url ? ` <${item.url}>` : ''} (${item.confirmedAt ? `confirmed ${utc(item.confirmedAt)}` : 'not confirmed'})`,
      ),
    ),
    ...list('Highlights', exit.highlights),
    '',
    'Steps',
    ...orderedSteps(exit).map((step) => stepLine(step, client.timezone)),
    '',
    'Timeline',
    ...exit.timeline.map(
      (entry) =>
        `  ${utc(entry.at)}  ${safe(entry.event)}${entry.stepId ? ` [${safe(entry.stepId)}]` : ''}${entry.detail ? `  ${safe(entry.detail)}` : ''}`,
    ),
    '',
    ...surveyLines(exit),
  ];
  return lines;
}
