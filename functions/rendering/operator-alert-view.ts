import type { Exit, SurveyResponse } from '../domain/exit.js';
import { REASON_LABELS, WIN_BACK_LABELS } from '../domain/survey.js';
import { commonView, type OperatorAlertView, type ViewContext } from './email-views.js';
import { formatDay } from './time-words.js';

const PUBLISH_AS = {
  name: 'with their name',
  company: "with their company's name only",
  anonymous: 'without any name',
} as const;

/**
 * The operator alert about survey answers. Written in the operator's language (English), dated in the firm's
 * default way; the answers are the client's own words, escaped like any user data.
 */
export function prepareOperatorAlert(
  exit: Exit,
  response: SurveyResponse,
  reasons: string[],
  context: ViewContext,
): { name: 'survey-answer'; view: OperatorAlertView } {
  const { answers } = response;
  return {
    name: 'survey-answer',
    view: {
      ...commonView(exit, 'survey-answer', context),
      lang: 'en',
      exitId: exit.id,
      exitUrl: `${context.links.publicUrl}/admin/exits/${encodeURIComponent(exit.id)}`,
      reasons,
      revision: response.revision,
      revised: response.revision > 1,
      answeredOn: formatDay(response.revisedAt, 'en-GB', exit.client.timezone),
      score: answers.score,
      reason: REASON_LABELS[answers.reason],
      reasonDetail: answers.reasonDetail ?? null,
      whatWorked: answers.whatWorked ?? null,
      whatDidNot: answers.whatDidNot ?? null,
      improve: answers.improve ?? null,
      winBack: answers.winBack ? WIN_BACK_LABELS[answers.winBack] : null,
      testimonial: answers.testimonial ?? null,
      publishAs: answers.publishAs ? PUBLISH_AS[answers.publishAs] : null,
      // Withdrawn by this very submission (an older withdrawal was reported with its own).
      consentWithdrawn: response.consent?.withdrawnAt === response.revisedAt,
    },
  };
}
