import { ConflictError, type FieldProblem, ValidationError } from '../errors.js';
import type { Exit, SurveyAnswers, SurveyResponse } from '../exit.js';
import type { EventLog, Mailer, StepScheduler, SurveyNoticeRenderer } from '../ports.js';
import {
  MAX_SURVEY_REVISIONS,
  noticeReasons,
  parseSurveyAnswers,
  reviseResponse,
  sameAnswers,
  surveySummary,
} from '../survey.js';
import { type ClientLinkDeps, deleteSchedules, type LinkProblem, openLink } from './client-link.js';

export interface SurveyDeps extends ClientLinkDeps {
  scheduler: StepScheduler;
  mailer: Mailer;
  noticeRenderer: SurveyNoticeRenderer;
  log: EventLog;
  /** Where notices about notable answers go (`FAREWELL_OPERATOR_EMAIL`); none: no notice. */
  operatorEmail?: string;
}

export type AnswerResult =
  /** `unchanged`: the same answers again (a double click, a reload); nothing was written. */
  | { outcome: 'saved' | 'unchanged'; exit: Exit; expiresAt: Date }
  /** The form has mistakes, each named by field; nothing was written. */
  | { outcome: 'invalid'; exit: Exit; expiresAt: Date; problems: FieldProblem[] }
  | { outcome: 'too-many-revisions'; exit: Exit; expiresAt: Date }
  | { outcome: 'link-problem'; problem: LinkProblem };

const ATTEMPTS = 5;
const REMINDER_SKIPPED = 'survey already answered';

/** The survey page's data: the exit (with any earlier answers) and when the survey closes. */
export function openSurvey(deps: ClientLinkDeps, token: string) {
  return openLink(deps, token, 'survey');
}

/**
 * Stores a survey submission from a signed link, until the link expires (the survey closes).
 * One conditional write stores the answers, appends to the timeline and skips the survey
 * reminder if it is still scheduled (a reminder already being sent is left alone; send-step
 * re-checks `exit.survey` too). A revision overwrites the answers and appends another entry.
 * Then, best effort: the reminder's schedule is deleted and the operator notified.
 */
export async function answerSurvey(
  deps: SurveyDeps,
  token: string,
  fields: Record<string, string>,
): Promise<AnswerResult> {
  const link = await openLink(deps, token, 'survey');
  if (!link.ok) return { outcome: 'link-problem', problem: link.problem };
  const { expiresAt } = link;
  let answers: SurveyAnswers;
  try {
    answers = parseSurveyAnswers(fields);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { outcome: 'invalid', exit: link.exit, expiresAt, problems: error.problems };
  }

  let exit = link.exit;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const previous = exit.survey;
    if (previous && sameAnswers(previous.answers, answers)) {
      return { outcome: 'unchanged', exit, expiresAt };
    }
    if ((previous?.revision ?? 0) >= MAX_SURVEY_REVISIONS) {
      return { outcome: 'too-many-revisions', exit, expiresAt };
    }
    const at = deps.clock.now().toISOString();
    const response = reviseResponse(previous, answers, at);
    const reminders = Object.values(exit.steps)
      .filter((step) => step.kind === 'survey-reminder' && step.state === 'scheduled')
      .map((step) => step.id);
    const summary = surveySummary(previous, response);
    const after = await deps.store.recordSurvey(exit.id, {
      response,
      replaces: previous?.revision ?? 0,
      entry: {
        at,
        event: previous ? 'survey.revised' : 'survey.answered',
        detail: reminders.length > 0 ? `${summary} The survey reminder will not be sent.` : summary,
      },
      ...(reminders.length > 0 ? { skip: { stepIds: reminders, reason: REMINDER_SKIPPED } } : {}),
    });
    if (after) {
      await deleteSchedules(deps, exit.id, reminders);
      await notifyOperator(deps, after, previous, response);
      deps.log.info('survey answered', { exitId: exit.id, revision: response.revision });
      return { outcome: 'saved', exit: after, expiresAt };
    }
    const fresh = await deps.store.get(exit.id);
    if (!fresh) return { outcome: 'link-problem', problem: 'unknown-exit' };
    // Erased between our read and our write: the store refused it, and nothing may be retried.
    if (fresh.erasedAt) return { outcome: 'link-problem', problem: 'erased' };
    exit = fresh;
  }
  throw new ConflictError(`Exit ${exit.id} kept changing; try again`);
}

/**
 * Emails the operator when a submission needs attention (a low score, win-back interest, a
 * testimonial, a withdrawn consent). At most once per revision: only the request whose
 * conditional write created the revision sends its notice, and an identical resubmission writes
 * nothing. A send that fails is not retried (the answers are stored either way); the timeline
 * says what happened, so the console can show it.
 */
async function notifyOperator(
  deps: SurveyDeps,
  exit: Exit,
  previous: SurveyResponse | undefined,
  response: SurveyResponse,
): Promise<void> {
  const reasons = noticeReasons(previous, response);
  if (reasons.length === 0) return;
  const revision = `revision ${response.revision}`;
  const record = (event: string, detail: string) =>
    deps.store.addToTimeline(exit.id, { at: deps.clock.now().toISOString(), event, detail });
  if (!deps.operatorEmail) {
    await record(
      'operator.not-notified',
      `Survey ${revision} needs attention (${reasons.join('; ')}), but no operator address is configured (FAREWELL_OPERATOR_EMAIL).`,
    );
    return;
  }
  try {
    const email = deps.noticeRenderer.renderSurveyNotice(exit, response, reasons);
    const { messageId } = await deps.mailer.send({
      to: deps.operatorEmail,
      ...email,
      tags: { exit: exit.id, notice: `survey-${response.revision}` },
    });
    await record(
      'operator.notified',
      `Survey ${revision} sent to the operator: SES message ${messageId}`,
    );
  } catch (error) {
    deps.log.error('operator notice failed', {
      exitId: exit.id,
      revision: response.revision,
      error: error instanceof Error ? error.name : 'unknown',
    });
    await record(
      'operator.notification-failed',
      `The operator could not be emailed about survey ${revision}; the answers are stored.`,
    ).catch(() => undefined);
  }
}
