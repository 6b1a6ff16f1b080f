/**
 * The exit record: the printable account of one exit that protects both sides. Pure. Each part
 * is its own small function, so a part (the checklist, handover confirmations) can be added
 * beside the others without touching them.
 */
import type { Exit, Step } from '../../domain/exit.js';
import { orderedSteps } from '../../domain/exit.js';
import { noticePeriodDays } from '../../domain/exit-approval.js';
import type { RenderedEmail } from '../../domain/ports.js';
import { periodInWords } from '../time-words.js';
import { surveyView } from './exit-page.js';
import { calendarDate, clientTime, eventLabel, stepIdLabel, stepLabel } from './format.js';
import type { ExitRecordView, RecordRow } from './views.js';

/** The subject of a sent step's email as rendered for the record; absent once erased. */
export type SubjectOf = (exit: Exit, step: Step) => RenderedEmail['subject'] | undefined;

function rows(pairs: [string, string | undefined][]): RecordRow[] {
  return pairs.flatMap(([term, value]) => (value ? [{ term, value }] : []));
}

/** Who, when, initiated by whom, why, and the notice period. */
export function recordParties(exit: Exit): RecordRow[] {
  const { client } = exit;
  const days = noticePeriodDays(exit);
  return rows([
    ['Client', client.name],
    ['Company', client.company],
    ['Email', client.email || undefined],
    ['Ended by', exit.initiatedBy === 'firm' ? 'The firm' : 'The client'],
    ['Why', exit.reason],
    ['Client since', exit.relationshipStartedOn && calendarDate(exit.relationshipStartedOn)],
    ['Started', `${clientTime(exit.createdAt, client.timezone)}, from the ${exit.source}`],
    ['Notice period', days > 0 ? periodInWords(days) : 'None: effective the day it started'],
    ['Effective on', calendarDate(exit.effectiveOn)],
    ['Exit id', exit.id],
  ]);
}

/** Every email sent, with its date and subject. */
export function recordEmails(exit: Exit, subjectOf: SubjectOf): ExitRecordView['emails'] {
  return orderedSteps(exit)
    .filter((step) => step.state === 'sent')
    .map((step) => ({
      label: stepLabel(step),
      sentOn: clientTime(step.sentAt ?? step.dueAt, exit.client.timezone),
      subject: (exit.erasedAt ? undefined : subjectOf(exit, step)) ?? '(not kept after erasure)',
    }));
}

/** The handover items, each with when the client confirmed receiving it. */
export function recordHandover(exit: Exit): ExitRecordView['handover'] {
  return exit.handover.map((item) => ({
    title: item.title,
    url: item.url ?? null,
    note: item.note ?? null,
    confirmedOn: item.confirmedAt ? clientTime(item.confirmedAt, exit.client.timezone) : null,
  }));
}

/** Every entry of the timeline, in the client's time. */
export function recordTimeline(exit: Exit): ExitRecordView['timeline'] {
  return exit.timeline.map((entry) => ({
    when: clientTime(entry.at, exit.client.timezone),
    event: eventLabel(entry.event),
    step: entry.stepId ? stepIdLabel(entry.stepId) : null,
    detail: entry.detail ?? null,
  }));
}

/** The record of an exit; an erased one shows only what the anonymised exit kept. */
export function exitRecordView(exit: Exit, subjectOf: SubjectOf, printedAt: Date): ExitRecordView {
  return {
    name: exit.client.name,
    erasedOn: exit.erasedAt ? clientTime(exit.erasedAt, exit.client.timezone) : null,
    printedOn: clientTime(printedAt.toISOString(), exit.client.timezone),
    parties: recordParties(exit),
    emails: recordEmails(exit, subjectOf),
    handover: recordHandover(exit),
    survey: surveyView(exit),
    timeline: recordTimeline(exit),
  };
}
