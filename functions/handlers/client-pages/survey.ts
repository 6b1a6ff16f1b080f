import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FieldProblem } from '../../domain/errors.js';
import type { Exit } from '../../domain/exit.js';
import { answerSurvey, openSurvey } from '../../domain/use-cases/answer-survey.js';
import {
  answersToFields,
  pageLang,
  type SurveyFields,
  surveyPageView,
  surveyThanksView,
} from '../../rendering/survey-page.js';
import { CSRF_FIELD } from '../http/csrf.js';
import { readForm } from '../http/form-body.js';
import { htmlPage } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';
import {
  type ClientPageDeps,
  formProblemPage,
  linkProblemPage,
  messagePage,
  withErrorPage,
} from './shared.js';

const SCORE = /^(10|[0-9])$/;

function surveyForm(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
  form: {
    exit: Exit;
    closesAt: Date;
    fields: SurveyFields;
    status: number;
    problems?: FieldProblem[];
    formProblem?: string;
  },
): HttpResponse {
  const action = `/s/${token}`;
  const session = deps.csrf.session(event);
  const view = surveyPageView({
    exit: form.exit,
    firmName: deps.pages.brandName,
    action,
    csrf: deps.csrf.token(session.secret, action),
    closesAt: form.closesAt,
    fields: form.fields,
    ...(form.problems ? { problems: form.problems } : {}),
    ...(form.formProblem ? { formProblem: form.formProblem } : {}),
  });
  const hasErrors = (form.problems?.length ?? 0) > 0 || Boolean(form.formProblem);
  const html = deps.pages.render(
    'survey',
    { title: hasErrors ? 'Error: Exit survey' : 'Exit survey', lang: pageLang(form.exit) },
    view,
  );
  return htmlPage(form.status, html, { cookies: session.setCookie ? [session.setCookie] : [] });
}

/**
 * `GET /s/{token}`: the survey, with earlier answers filled in for a revision, and `?score=N`
 * (the number the client clicked in the email) chosen.
 */
export function showSurvey(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
): Promise<HttpResponse> {
  return withErrorPage(deps, async () => {
    const link = await openSurvey(deps.survey, token);
    if (!link.ok) return linkProblemPage(deps, link.problem, 'survey');
    const fields = link.exit.survey ? answersToFields(link.exit.survey.answers) : {};
    const score = event.queryStringParameters?.score;
    if (score && SCORE.test(score)) fields.score = score;
    return surveyForm(deps, event, token, {
      exit: link.exit,
      closesAt: link.expiresAt,
      fields,
      status: 200,
    });
  });
}

/**
 * `POST /s/{token}`: checks the form's CSRF token, stores the answers, and thanks the client; a
 * form with mistakes comes back (422) with each message next to its field.
 */
export function submitSurvey(
  deps: ClientPageDeps,
  event: APIGatewayProxyEventV2,
  token: string,
): Promise<HttpResponse> {
  return withErrorPage(deps, async () => {
    const form = readForm(event);
    if (!form.ok) return formProblemPage(deps, form.status);
    const { [CSRF_FIELD]: csrf, ...fields } = form.fields;
    if (!deps.csrf.verify(event, `/s/${token}`, csrf)) {
      const link = await openSurvey(deps.survey, token);
      if (!link.ok) return linkProblemPage(deps, link.problem, 'survey');
      return surveyForm(deps, event, token, {
        exit: link.exit,
        closesAt: link.expiresAt,
        fields,
        status: 403,
        formProblem:
          'For your security, please send the form once more: we could not confirm it came from this page. Your answers are still filled in.',
      });
    }
    const result = await answerSurvey(deps.survey, token, fields);
    switch (result.outcome) {
      case 'link-problem':
        return linkProblemPage(deps, result.problem, 'survey');
      case 'invalid':
        return surveyForm(deps, event, token, {
          exit: result.exit,
          closesAt: result.expiresAt,
          fields,
          status: 422,
          problems: result.problems,
        });
      case 'too-many-revisions':
        return messagePage(deps, 409, 'Your answers were not changed', [
          'You have changed your answers many times already, so we have kept the last ones. If there is more you would like to tell us, simply reply to one of our emails.',
        ]);
      case 'saved':
      case 'unchanged': {
        const view = surveyThanksView(result.exit, {
          revised: (result.exit.survey?.revision ?? 1) > 1,
          surveyUrl: `/s/${token}`,
          closesAt: result.expiresAt,
          signature: deps.signature,
        });
        const title = 'Thank you';
        return htmlPage(
          200,
          deps.pages.render('survey-thanks', { title, lang: pageLang(result.exit) }, view),
        );
      }
    }
  });
}
