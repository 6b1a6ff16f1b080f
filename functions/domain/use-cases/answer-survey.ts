import { type FieldProblem, ValidationError } from '../errors.js';
import type { Exit, SurveyAnswers, SurveyResponse } from '../exit.js';
import { recordSurvey } from '../exit-changes.js';
import { deleteSchedules, writeExitChange } from '../exit-writes.js';
import type { EventLog, Mailer, OperatorAlertRenderer, StepScheduler } from '../ports.js';
import { alertReasons, parseSurveyAnswers } from '../survey.js';
import { type ClientLinkDeps, type LinkProblem, openLink } from './client-link.js';
import { type DigestNoteDeps, noteForDigest } from './send-digest.js';

export interface SurveyDeps extends ClientLinkDeps {
  scheduler: StepScheduler;
  mailer: Mailer;
  alertRenderer: OperatorAlertRenderer;
  log: EventLog;
  /** Where alerts about notable answers go (`FAREWELL_OPERATOR_EMAIL`); none: no alert. */
  operatorEmail?: string;
  /** Notes each saved answer on the operator's next digest; none without an operator address. */
  digest?: DigestNoteDeps;
}

export type AnswerResult =
  /** `unchanged`: the same answers again (a double click, a reload); nothing was written. */
  | { outcome: 'saved' | 'unchanged'; exit: Exit; expiresAt: Date }
  /** The form has mistakes, each named by field; nothing was written. */
  | { outcome: 'invalid'; exit: Exit; expiresAt: Date; problems: FieldProblem[] }
  | { outcome: 'too-many-revisions'; exit: Exit; expiresAt: Date }
  | { outcome: 'link-problem'; problem: LinkProblem };

/** The survey page's data: the exit (with any earlier answers) and when the survey closes. */
export function openSurvey(deps: ClientLinkDeps, token: string) {
  return openLink(deps, token, 'survey');
}

/**
 * Stores a survey submission from a signed link, until the link expires (the survey closes):
 * 1. Open the link (it loads the exit) and parse the answers; mistakes are named by field.
 * 2. Decide (`recordSurvey`): the same answers again change nothing; a revision overwrites the
 *    answers; the survey reminder is skipped if it is still scheduled (a reminder already being
 *    sent is left alone; send-step re-checks `exit.survey` too).
 * 3. Write it in one conditional write (answers, timeline entry, skipped reminder), deciding
 *    again from a fresh read when a concurrent write got there first.
 * 4. Best effort: delete the reminder's schedule, notify the operator, and note the answer on
 *    the operator's next digest.
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

  const result = await writeExitChange(
    deps.store,
    link.exit.id,
    (exit) => recordSurvey(exit, answers, deps.clock.now().toISOString()),
    { read: link.exit, write: (write, exit) => deps.store.recordSurvey(exit.id, write) },
  );
  if (result.outcome === 'missing') return { outcome: 'link-problem', problem: 'unknown-exit' };
  if (result.outcome === 'unchanged') return { outcome: 'unchanged', exit: result.exit, expiresAt };
  if (result.outcome === 'refused') {
    // Erased between our read and our write: the store refused it, and nothing may be retried.
    if (result.reason === 'erased') return { outcome: 'link-problem', problem: 'erased' };
    return { outcome: 'too-many-revisions', exit: result.exit, expiresAt };
  }
  const { before, after, change } = result;
  await deleteSchedules(deps, after.id, change.skip?.stepIds ?? [], 'a client action');
  await notifyOperator(deps, after, before.survey, change.response);
  if (deps.digest) await noteForDigest(deps.digest, after.id);
  deps.log.info('survey answered', { exitId: after.id, revision: change.response.revision });
  return { outcome: 'saved', exit: after, expiresAt };
}

/**
 * Emails the operator when a submission needs attention (a low score, win-back interest, a
 * testimonial, a withdrawn consent). At most once per revision: only the request whose
 * conditional write created the revision sends its alert, and an identical resubmission writes
 * nothing. A send that fails is not retried (the answers are stored either way); the timeline
 * says what happened, so the console can show it.
 */
async function notifyOperator(
  deps: SurveyDeps,
  exit: Exit,
  previous: SurveyResponse | undefined,
  response: SurveyResponse,
): Promise<void> {
  const reasons = alertReasons(previous, response);
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
    const email = deps.alertRenderer.renderOperatorAlert(exit, response, reasons);
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
