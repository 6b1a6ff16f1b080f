/** How the operator console writes times, steps and statuses. Pure. */
import { DateTime } from 'luxon';
import type { ExitStatus, Step, StepKind, StepState } from '../../domain/exit.js';

/** The console's own language: dates read the same for every operator. */
const LOCALE = 'en-GB';

/** `Fri 29 Jan 2027, 10:00 GMT`: an instant as the client lives it, in their zone. */
export function clientTime(iso: string, zone: string): string {
  const at = DateTime.fromISO(iso, { zone }).setLocale(LOCALE);
  return at.isValid ? at.toFormat('ccc d LLL yyyy, HH:mm ZZZZ') : iso;
}

/** `Fri 29 Jan 2027`: a calendar date (`YYYY-MM-DD`). */
export function calendarDate(isoDate: string): string {
  const day = DateTime.fromISO(isoDate, { zone: 'utc' }).setLocale(LOCALE);
  return day.isValid ? day.toFormat('ccc d LLL yyyy') : isoDate;
}

/** `21 Nov 2026, 06:52 UTC`: the console's own clock, e.g. local mode's virtual one. */
export function utcTime(at: Date): string {
  return (
    DateTime.fromJSDate(at, { zone: 'utc' }).setLocale(LOCALE).toFormat('ccc d LLL yyyy, HH:mm') +
    ' UTC'
  );
}

const KIND_LABELS: Record<StepKind, string> = {
  notice: 'Notice',
  gratitude: 'Thank-you',
  survey: 'Exit survey',
  'survey-reminder': 'Survey reminder',
  'check-in': 'Check-in',
  'date-change': 'Change of date',
};

/** `Thank-you`, `Check-in 2`. */
export function stepLabel(step: Pick<Step, 'id' | 'kind'>): string {
  if (step.kind !== 'check-in') return KIND_LABELS[step.kind];
  const index = /^check-in-(\d+)$/.exec(step.id)?.[1];
  return index ? `Check-in ${index}` : KIND_LABELS['check-in'];
}

/** A step id read from a timeline entry, e.g. `survey-reminder`, as words. */
export function stepIdLabel(stepId: string): string {
  if (stepId.startsWith('check-in')) return stepLabel({ id: stepId, kind: 'check-in' });
  const kind = stepId as StepKind;
  return KIND_LABELS[kind] ?? stepId;
}

export const STATUS_LABELS: Record<ExitStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  cancelled: 'Cancelled',
  completed: 'Completed',
  'awaiting-approval': 'Awaiting approval',
};

export const STATE_LABELS: Record<StepState, string> = {
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  skipped: 'Skipped',
  failed: 'Failed',
};

/** Timeline events in words; an unknown one is shown as it is. */
const EVENT_LABELS: Record<string, string> = {
  'exit.created': 'Exit started',
  'exit.cancelled': 'Cancelled',
  'exit.approved': 'Notice approved',
  'exit.discarded': 'Discarded before its notice',
  'exit.paused': 'Paused',
  'exit.resumed': 'Resumed',
  'exit.completed': 'Completed',
  'exit.replanned': 'Effective date changed',
  'exit.erased': 'Personal data erased',
  'step.sent': 'Sent',
  'step.skipped': 'Skipped',
  'step.held': 'Held',
  'step.waiting': 'Waiting to send',
  'step.failed': 'Failed',
  'step.rescheduled': 'Rescheduled',
  'step.delivered': 'Delivered',
  'step.bounced': 'Bounced',
  'step.complained': 'Marked as spam',
  'survey.answered': 'Survey answered',
  'survey.revised': 'Survey answers changed',
  'operator.notified': 'You were emailed',
  'operator.not-notified': 'You were not emailed',
  'operator.notification-failed': 'Emailing you failed',
  'client.unsubscribed': 'Client unsubscribed',
  'client.paused-emails': 'Client paused emails',
  'client.resubscribed': 'Client subscribed again',
  'task.done': 'Task done',
  'task.reopened': 'Task opened again',
  'task.noted': 'Task note',
  'task.not-needed': 'Task not needed',
  'task.added': 'Task added',
  'handover.confirmed': 'Handover confirmed by the client',
};

export function eventLabel(event: string): string {
  return EVENT_LABELS[event] ?? event;
}
