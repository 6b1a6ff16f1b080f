/**
 * What erasing an exit keeps and what it removes. Pure: `eraseExit` reads the exit, this computes
 * the anonymised record, the store writes it in one conditional update.
 *
 * The exit stays as an anonymised record rather than being deleted: its id is the idempotency key
 * of the webhook event or import row that started it, so a replayed event finds it and cannot
 * start the exit (with the client's data) a second time; the dates of what was sent, and the
 * survey's score and reason, still count in the insights without naming anyone.
 */
import type { Client, Exit, ExitStatus, SurveyResponse, Task, TimelineEntry } from './exit.js';
import { pendingSteps } from './exit.js';
import type { Erasure } from './ports.js';

/** What the console shows instead of the client's name. */
export const ERASED_NAME = 'Erased client';

/**
 * Timeline events whose details Farewell writes itself from ids, dates, counts and fixed words:
 * they never quote the client. Every other detail (a failure's SES message, anything unknown) is
 * dropped; the event and its time stay.
 */
const OWN_WORDS = new Set([
  'exit.created',
  'exit.cancelled',
  'exit.paused',
  'exit.resumed',
  'exit.completed',
  'exit.replanned',
  'step.sent',
  'step.skipped',
  'step.held',
  'step.rescheduled',
  'step.delivered',
  'step.bounced',
  'step.complained',
  'survey.answered',
  'survey.revised',
  'operator.notified',
  'operator.not-notified',
  'operator.notification-failed',
  'client.unsubscribed',
  'client.paused-emails',
  'client.resubscribed',
  'handover.confirmed',
]);

function anonymousClient(client: Client): Client {
  return {
    name: ERASED_NAME,
    email: '',
    timezone: client.timezone,
    locale: client.locale,
    ...(client.country ? { country: client.country } : {}),
  };
}

function scrubEntry(entry: TimelineEntry): TimelineEntry {
  return {
    at: entry.at,
    event: entry.event,
    ...(entry.stepId ? { stepId: entry.stepId } : {}),
    ...(entry.detail && OWN_WORDS.has(entry.event) ? { detail: entry.detail } : {}),
  };
}

/** The survey's choices (score, reason, would come back) without free text or testimonial. */
function scrubSurvey(survey: SurveyResponse): SurveyResponse {
  const { reason, score, winBack } = survey.answers;
  return {
    answers: { reason, score, ...(winBack ? { winBack } : {}) },
    answeredAt: survey.answeredAt,
    revisedAt: survey.revisedAt,
    revision: survey.revision,
  };
}

/** What a task typed for this exit is called once erased (its title might name the client). */
export const ERASED_TASK_TITLE = 'Task (erased)';

/**
 * The checklist without what someone typed for this exit: every note, and the title of a task
 * added by hand or by a webhook (a configured title is the firm's own words). Dates and states
 * stay, as the steps' do.
 */
function scrubTasks(tasks: Record<string, Task>): Record<string, Task> {
  return Object.fromEntries(
    Object.values(tasks).map((task): [string, Task] => {
      const { note: _note, ...rest } = task;
      return [task.id, task.addedBy === 'checklist' ? rest : { ...rest, title: ERASED_TASK_TITLE }];
    }),
  );
}

/**
 * The erasure of an exit read at `at`: the client anonymised, the timeline's details that might
 * quote them dropped, the survey reduced to its choices, a failed step's message replaced, and
 * an active, paused or awaiting exit cancelled with its pending steps skipped.
 */
export function erasureOf(exit: Exit, at: string, actor: string): Erasure {
  const running =
    exit.status === 'active' || exit.status === 'paused' || exit.status === 'awaiting-approval';
  const status: ExitStatus = running ? 'cancelled' : exit.status;
  const skipped = running ? pendingSteps(exit).map((step) => step.id) : [];
  const scrub: Record<string, string> = {};
  for (const step of Object.values(exit.steps)) {
    if (step.state === 'failed' && step.reason) scrub[step.id] = 'failed (details erased)';
  }
  const entry: TimelineEntry = {
    at,
    event: 'exit.erased',
    detail: `Personal data erased from the ${actor}${running ? '; the exit was cancelled' : ''}. The address stays on the suppression list as a keyed hash.`,
  };
  return {
    at,
    seen: { updatedAt: exit.updatedAt, timelineLength: exit.timeline.length },
    status,
    client: anonymousClient(exit.client),
    timeline: [...exit.timeline.map(scrubEntry), entry],
    ...(exit.survey ? { survey: scrubSurvey(exit.survey) } : {}),
    ...(exit.tasks ? { tasks: scrubTasks(exit.tasks) } : {}),
    skip: { stepIds: skipped, reason: 'exit erased' },
    scrub,
  };
}
