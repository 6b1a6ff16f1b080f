import type { FieldProblem } from '../domain/errors.js';
import {
  type Exit,
  LEAVING_REASONS,
  type SurveyAnswers,
  WIN_BACK_ANSWERS,
} from '../domain/exit.js';
import { REASON_LABELS, TEXT_LIMITS, WIN_BACK_LABELS } from '../domain/survey.js';
import type { ChoiceGroupView, ErrorLink, TextFieldView } from './field-views.js';
import { describedBy, textAreaView } from './form-fields.js';
import type { SurveyPageView, SurveyThanksView } from './page-views.js';
import { formatDay } from './time-words.js';

/** The form's fields as strings: posted ones, or stored answers shown again for a revision. */
export type SurveyFields = Record<string, string>;

export function answersToFields(answers: SurveyAnswers): SurveyFields {
  const fields: SurveyFields = {};
  for (const [name, value] of Object.entries(answers)) fields[name] = String(value);
  if (answers.testimonial && !answers.publishAs) fields.publishAs = 'private';
  return fields;
}

/** The client's language for `<html lang>`: the primary subtag of their locale. */
export function pageLang(exit: Exit): string {
  const language = exit.client.locale.split('-')[0] ?? '';
  return /^[a-z]{2,3}$/i.test(language) ? language.toLowerCase() : 'en';
}

export function clientDay(exit: Exit, instant: Date | string): string {
  return formatDay(instant, exit.client.locale, exit.client.timezone);
}

interface FieldContext {
  fields: SurveyFields;
  errors: Map<string, string>;
}

function textField(
  context: FieldContext,
  name: keyof typeof TEXT_LIMITS,
  label: string,
  hint: string | null,
  rows: number,
): TextFieldView {
  return textAreaView(context, { name, label, hint, rows, maxLength: TEXT_LIMITS[name] });
}

function choiceGroup(
  context: FieldContext,
  name: string,
  legend: string,
  options: readonly (readonly [value: string, label: string])[],
  extra: { hint?: string; required?: boolean; scale?: boolean } = {},
): ChoiceGroupView {
  const id = `field-${name}`;
  const hint = extra.hint ?? null;
  const error = context.errors.get(name) ?? null;
  return {
    id,
    name,
    legend,
    hint,
    error,
    describedBy: describedBy(id, hint, error),
    required: extra.required ?? false,
    scale: extra.scale ?? false,
    options: options.map(([value, label]) => ({
      id: `${name}-${value}`,
      value,
      label,
      checked: context.fields[name] === value,
    })),
  };
}

/** Field order on the page, so the error summary lists problems top to bottom. */
const ORDER = [
  'score',
  'reason',
  'reasonDetail',
  'whatWorked',
  'whatDidNot',
  'improve',
  'winBack',
  'testimonial',
  'publishAs',
];

function errorLinks(problems: readonly FieldProblem[], view: Omit<SurveyPageView, 'errors'>) {
  const links: ErrorLink[] = [];
  for (const name of ORDER) {
    const problem = problems.find((p) => p.field === name);
    const field = view[name as keyof typeof view];
    if (!problem || typeof field !== 'object' || field === null) continue;
    const target = 'options' in field ? field.options[0]?.id : field.id;
    links.push({ href: `#${target ?? ''}`, message: problem.message });
  }
  return links;
}

export interface SurveyPageInput {
  exit: Exit;
  firmName: string;
  action: string;
  csrf: string;
  closesAt: Date;
  fields: SurveyFields;
  problems?: readonly FieldProblem[];
  /** A problem with the whole form rather than one field. */
  formProblem?: string;
}

export function surveyPageView(input: SurveyPageInput): SurveyPageView {
  const { exit } = input;
  const problems = input.problems ?? [];
  const context: FieldContext = {
    fields: input.fields,
    errors: new Map(problems.map((problem) => [problem.field, problem.message])),
  };
  const scores = Array.from({ length: 11 }, (_, n) => [String(n), String(n)] as const);
  const view: Omit<SurveyPageView, 'errors'> = {
    action: input.action,
    csrf: input.csrf,
    clientName: exit.client.name,
    formProblem: input.formProblem ?? null,
    answeredOn: exit.survey ? clientDay(exit, exit.survey.answeredAt) : null,
    closesOn: clientDay(exit, input.closesAt),
    score: choiceGroup(
      context,
      'score',
      `How likely are you to recommend ${input.firmName} to a friend or colleague?`,
      scores,
      {
        hint: '0 means not at all likely, 10 means extremely likely.',
        required: true,
        scale: true,
      },
    ),
    reason: choiceGroup(
      context,
      'reason',
      'What is the main reason our work together ended?',
      LEAVING_REASONS.map((reason) => [reason, REASON_LABELS[reason]] as const),
      { required: true },
    ),
    reasonDetail: textField(
      context,
      'reasonDetail',
      'Anything you would like to add about the reason?',
      'Needed only if you chose “Something else”.',
      3,
    ),
    whatWorked: textField(context, 'whatWorked', 'What worked well?', null, 4),
    whatDidNot: textField(context, 'whatDidNot', 'What did not work?', null, 4),
    improve: textField(context, 'improve', 'What should we do differently?', null, 4),
    winBack: choiceGroup(
      context,
      'winBack',
      'If we put right what did not work, would you consider working with us again?',
      WIN_BACK_ANSWERS.map((answer) => [answer, WIN_BACK_LABELS[answer]] as const),
    ),
    testimonial: textField(
      context,
      'testimonial',
      'Your testimonial',
      'A sentence or two in your own words, if you would like to.',
      4,
    ),
    publishAs: choiceGroup(context, 'publishAs', 'May we publish it?', [
      ['name', exit.client.company ? 'Yes, with my name and company' : 'Yes, with my name'],
      ['company', "Yes, with my company's name only"],
      ['anonymous', 'Yes, without any name'],
      ['private', 'No, keep it between us'],
    ]),
  };
  return { ...view, errors: errorLinks(problems, view) };
}

const PUBLISHED_AS = {
  name: 'with your name',
  company: "with your company's name only",
  anonymous: 'without any name',
} as const;

export function surveyThanksView(
  exit: Exit,
  input: { revised: boolean; surveyUrl: string; closesAt: Date; signature: string },
): SurveyThanksView {
  const scope = exit.survey?.answers.publishAs;
  return {
    clientName: exit.client.name,
    revised: input.revised,
    surveyUrl: input.surveyUrl,
    closesOn: clientDay(exit, input.closesAt),
    publishedAs: scope ? PUBLISHED_AS[scope] : null,
    signature: input.signature,
  };
}
