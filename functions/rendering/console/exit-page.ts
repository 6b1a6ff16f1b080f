/** The view of one exit in the console: details, emails, timeline, survey, actions. Pure. */
import type { Exit, Step } from '../../domain/exit.js';
import { orderedSteps } from '../../domain/exit.js';
import { REASON_LABELS, SCOPE_LABELS, WIN_BACK_LABELS } from '../../domain/survey.js';
import { checklistView } from './exit-checklist.js';
import {
  calendarDate,
  clientTime,
  eventLabel,
  STATE_LABELS,
  STATUS_LABELS,
  stepIdLabel,
  stepLabel,
} from './format.js';
import { handoverPanel } from './handover-panel.js';
import type { ApprovalView, ConsoleShell, ExitPageView, FormView } from './views.js';

/** The forms the page may show, each with its token; the view decides which apply. */
export interface ExitForms {
  pause: FormView;
  resume: FormView;
  cancel: FormView;
  sendNow: FormView;
  effectiveDate: FormView;
  /** Every change of the checklist (tick, untick, note, add, not needed). */
  tasks: FormView;
}

function stepWhen(step: Step, zone: string): string {
  if (step.state === 'sent' && step.sentAt) return clientTime(step.sentAt, zone);
  return clientTime(step.dueAt, zone);
}

function stepDetail(step: Step): string | null {
  if (step.state === 'sent') return step.messageId ? `SES message ${step.messageId}` : null;
  if (step.state === 'skipped') return step.reason ? `Skipped: ${step.reason}` : null;
  if (step.state === 'failed') return step.reason ? `Failed: ${step.reason}` : null;
  if (step.state === 'sending') return 'Being sent right now';
  return null;
}

function details(exit: Exit): { term: string; value: string }[] {
  const { client } = exit;
  const rows: [string, string | undefined][] = [
    ['Email', client.email || undefined],
    ['Company', client.company],
    ['Ended by', exit.initiatedBy === 'firm' ? 'Us (the firm)' : 'The client'],
    ['Effective on', calendarDate(exit.effectiveOn)],
    ['Client since', exit.relationshipStartedOn && calendarDate(exit.relationshipStartedOn)],
    ['Time zone', client.timezone],
    ['Country', client.country],
    ['Locale', client.locale],
    ['External id', exit.externalId],
    ['Started', `${clientTime(exit.createdAt, client.timezone)}, from the ${exit.source}`],
    ['Exit id', exit.id],
    ['Why we are parting', exit.reason],
  ];
  return rows.flatMap(([term, value]) => (value ? [{ term, value }] : []));
}

export function surveyView(exit: Exit): ExitPageView['survey'] {
  const survey = exit.survey;
  if (!survey) return null;
  const { answers } = survey;
  const zone = exit.client.timezone;
  const items: [string, string | undefined][] = [
    ['Likelihood to recommend', `${answers.score} out of 10`],
    ['Main reason for leaving', REASON_LABELS[answers.reason]],
    ['In their words', answers.reasonDetail],
    ['What worked', answers.whatWorked],
    ['What did not', answers.whatDidNot],
    ['What to improve', answers.improve],
    ['Would consider coming back', answers.winBack && WIN_BACK_LABELS[answers.winBack]],
    ['Testimonial', answers.testimonial],
  ];
  const consent = survey.consent;
  let consentText: string | null = null;
  if (consent?.withdrawnAt) {
    consentText = `Consent to publish the testimonial was withdrawn on ${clientTime(consent.withdrawnAt, zone)}: keep it private.`;
  } else if (consent) {
    consentText = `The client agreed on ${clientTime(consent.givenAt, zone)} that the testimonial may be published ${SCOPE_LABELS[consent.scope].replace('my', 'their')}.`;
  } else if (answers.testimonial) {
    consentText = 'The client asked to keep the testimonial private: do not publish it.';
  }
  return {
    answeredOn: clientTime(survey.answeredAt, zone),
    revisedOn: survey.revision > 1 ? clientTime(survey.revisedAt, zone) : null,
    items: items.flatMap(([term, value]) => (value ? [{ term, value }] : [])),
    consent: consentText,
  };
}

function actions(exit: Exit, forms: ExitForms): ExitPageView['actions'] {
  const running = exit.status === 'active' || exit.status === 'paused';
  const next = orderedSteps(exit).find((step) => step.state === 'scheduled');
  return {
    note: running
      ? null
      : exit.erasedAt
        ? 'The exit has ended and its personal data is erased: nothing is left to do.'
        : exit.status === 'awaiting-approval'
          ? 'The notice waits for your approval above: nothing is sent until then.'
          : `The exit is ${exit.status}: nothing more will be sent.`,
    pause: exit.status === 'active' ? forms.pause : null,
    resume: exit.status === 'paused' ? forms.resume : null,
    cancel: running ? forms.cancel : null,
    sendNow:
      exit.status === 'active' && next
        ? {
            ...forms.sendNow,
            stepId: next.id,
            // "the thank-you", but "check-in 2": a numbered one needs no article.
            label: `${next.kind === 'check-in' ? '' : 'the '}${stepLabel(next).toLowerCase()}`,
          }
        : null,
    effectiveDate: running ? { ...forms.effectiveDate, value: exit.effectiveOn } : null,
    eraseHref: exit.erasedAt ? null : `/admin/exits/${exit.id}/erase`,
  };
}

export function exitPageView(
  exit: Exit,
  shell: ConsoleShell,
  forms: ExitForms,
  /** Today for the checklist's due and overdue marks. */
  now: Date,
  /** The approval section (`approvalView`), while the exit awaits approval. */
  approval: ApprovalView | null = null,
): ExitPageView {
  const zone = exit.client.timezone;
  return {
    shell,
    exitId: exit.id,
    name: exit.client.name,
    company: exit.client.company ?? null,
    status: exit.status,
    statusLabel: STATUS_LABELS[exit.status],
    erasedOn: exit.erasedAt ? clientTime(exit.erasedAt, zone) : null,
    details: details(exit),
    handover: handoverPanel(exit, now),
    highlights: exit.highlights,
    steps: orderedSteps(exit).map((step) => ({
      label: stepLabel(step),
      state: step.state,
      stateLabel: STATE_LABELS[step.state],
      when: stepWhen(step, zone),
      detail: stepDetail(step),
    })),
    timeline: exit.timeline.map((entry) => ({
      when: clientTime(entry.at, zone),
      event: eventLabel(entry.event),
      step: entry.stepId ? stepIdLabel(entry.stepId) : null,
      detail: entry.detail ?? null,
    })),
    survey: surveyView(exit),
    checklist: checklistView(exit, now, forms.tasks),
    actions: actions(exit, forms),
    approval,
  };
}
