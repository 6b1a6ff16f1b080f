/**
 * The exit survey's rules: what a valid submission is, how a revision changes the stored
 * response and the testimonial consent, and which answers the operator should hear about. Pure.
 */
import { z } from 'zod';
import { type FieldProblem, ValidationError } from './errors.js';
import {
  LEAVING_REASONS,
  type LeavingReason,
  type SurveyAnswers,
  type SurveyResponse,
  TESTIMONIAL_SCOPES,
  type TestimonialScope,
  WIN_BACK_ANSWERS,
  type WinBack,
} from './exit.js';
import { lazy } from './lazy.js';

/** The words of the fixed lists, shared by the survey page, the timeline and the operator email. */
export const REASON_LABELS: Record<LeavingReason, string> = {
  'work-complete': 'The work we needed is done',
  'needs-changed': 'Our needs changed or grew beyond your services',
  budget: 'Budget or price',
  'in-house': 'We are bringing the work in-house',
  'other-provider': 'We chose another provider',
  quality: 'The quality of the work',
  communication: 'Communication or responsiveness',
  'firm-ended': 'You ended the engagement',
  other: 'Something else',
};

export const WIN_BACK_LABELS: Record<WinBack, string> = {
  yes: 'Yes',
  maybe: 'Perhaps',
  no: 'No',
};

export const SCOPE_LABELS: Record<TestimonialScope, string> = {
  name: 'with my name',
  company: "with my company's name only",
  anonymous: 'anonymously',
};

/** A score at or under this counts as a detractor: the operator hears about it. */
export const DETRACTOR_MAX_SCORE = 6;

/**
 * Each revision appends a timeline entry to the exit's one item, which DynamoDB caps at 400 KB:
 * a link holder must not be able to grow it without end.
 */
export const MAX_SURVEY_REVISIONS = 20;

export const TEXT_LIMITS = {
  reasonDetail: 1000,
  whatWorked: 2000,
  whatDidNot: 2000,
  improve: 2000,
  testimonial: 1500,
} as const;

// Control characters other than tab and line feed have no place in a typed answer.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Trimmed, line endings as `\n`, control characters dropped; empty becomes undefined. */
function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  return text === '' ? undefined : text;
}

const freeText = (max: number) =>
  z
    .unknown()
    .transform(cleanText)
    .pipe(
      z
        .string()
        .max(max, `Please keep this under ${max.toLocaleString('en-GB')} characters.`)
        .optional(),
    )
    // Optional on the outside too: zod treats a missing key as an error unless the schema says so.
    .optional();

const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.unknown().transform(cleanText).pipe(z.enum(values, message));

const formSchema = lazy(() =>
  z.object({
    reason: choice(LEAVING_REASONS, 'Please choose the main reason.'),
    reasonDetail: freeText(TEXT_LIMITS.reasonDetail),
    whatWorked: freeText(TEXT_LIMITS.whatWorked),
    whatDidNot: freeText(TEXT_LIMITS.whatDidNot),
    improve: freeText(TEXT_LIMITS.improve),
    score: z
      .unknown()
      .transform(cleanText)
      .pipe(
        z
          .string('Please choose a number from 0 to 10.')
          .regex(/^(10|[0-9])$/, 'Please choose a number from 0 to 10.')
          .transform(Number),
      ),
    winBack: choice(WIN_BACK_ANSWERS, 'Please choose yes, perhaps or no.').optional(),
    testimonial: freeText(TEXT_LIMITS.testimonial),
    publishAs: choice([...TESTIMONIAL_SCOPES, 'private'] as const, 'Please choose one.').optional(),
  }),
);

/**
 * Rules across fields, checked on the raw fields so they show together with the per-field
 * problems (a schema refinement would only run once every field is valid).
 */
function crossFieldProblems(fields: Record<string, string>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const testimonial = cleanText(fields.testimonial);
  const publishAs = cleanText(fields.publishAs);
  if (cleanText(fields.reason) === 'other' && !cleanText(fields.reasonDetail)) {
    problems.push({ field: 'reasonDetail', message: 'Please tell us a little about the reason.' });
  }
  if (testimonial && !publishAs) {
    problems.push({
      field: 'publishAs',
      message: 'Please say whether we may publish your testimonial, and how.',
    });
  }
  if (!testimonial && publishAs && publishAs !== 'private') {
    problems.push({
      field: 'testimonial',
      message: 'Please write the testimonial, or choose to keep it private.',
    });
  }
  return problems;
}

/**
 * Validates the survey form's fields (as posted, all strings). Throws a `ValidationError` naming
 * each field with a message meant for the client, shown next to the field.
 */
export function parseSurveyAnswers(fields: Record<string, string>): SurveyAnswers {
  // A missing radio group arrives as no field at all; `?? ''` makes zod report it as empty.
  const result = formSchema.safeParse({
    ...fields,
    reason: fields.reason ?? '',
    score: fields.score ?? '',
  });
  const found = [
    ...(result.error?.issues ?? []).map((issue) => ({
      field: issue.path.map(String).join('.') || 'form',
      message: issue.message,
    })),
    ...crossFieldProblems(fields),
  ];
  if (!result.success || found.length > 0) {
    const seen = new Set<string>();
    const problems = found.filter(({ field }) => !seen.has(field) && seen.add(field));
    throw new ValidationError(problems, { cause: result.error });
  }
  const { publishAs, ...answers } = result.data;
  const defined = Object.entries(answers).filter(([, value]) => value !== undefined);
  return {
    ...(Object.fromEntries(defined) as Omit<SurveyAnswers, 'publishAs'>),
    ...(publishAs && publishAs !== 'private' && answers.testimonial ? { publishAs } : {}),
  };
}

/** Whether two submissions say exactly the same (a double click, a reloaded form). */
export function sameAnswers(a: SurveyAnswers, b: SurveyAnswers): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof SurveyAnswers>;
  return [...keys].every((key) => a[key] === b[key]);
}

/**
 * The stored response after a submission: answers overwritten, revision counted, and the
 * testimonial consent kept (same scope), given anew (new scope) or withdrawn (no longer given).
 */
export function reviseResponse(
  previous: SurveyResponse | undefined,
  answers: SurveyAnswers,
  at: string,
): SurveyResponse {
  const before = previous?.consent;
  const active = before && !before.withdrawnAt ? before : undefined;
  let consent = before;
  if (answers.publishAs && answers.publishAs !== active?.scope) {
    consent = { scope: answers.publishAs, givenAt: at };
  } else if (!answers.publishAs && active) {
    consent = { ...active, withdrawnAt: at };
  }
  return {
    answers,
    answeredAt: previous?.answeredAt ?? at,
    revisedAt: at,
    revision: (previous?.revision ?? 0) + 1,
    ...(consent ? { consent } : {}),
  };
}

/** Whether this submission took back a consent to publish that was in force before it. */
export function consentWithdrawn(previous: SurveyResponse | undefined, next: SurveyResponse) {
  return Boolean(previous?.consent && !previous.consent.withdrawnAt && next.consent?.withdrawnAt);
}

/**
 * Why the operator should hear about this submission, in words for the email; empty when the
 * answers need no one's attention.
 */
export function alertReasons(previous: SurveyResponse | undefined, next: SurveyResponse) {
  const { answers } = next;
  const reasons: string[] = [];
  if (answers.score <= DETRACTOR_MAX_SCORE) reasons.push(`a score of ${answers.score} out of 10`);
  if (answers.winBack === 'yes' || answers.winBack === 'maybe') {
    reasons.push('they would consider working with you again');
  }
  if (answers.testimonial) reasons.push('they left a testimonial');
  if (consentWithdrawn(previous, next)) reasons.push('they withdrew consent to publish it');
  return reasons;
}

/** One line for the timeline: the choices made, never the free text (that stays in the survey). */
export function surveySummary(previous: SurveyResponse | undefined, next: SurveyResponse) {
  const { answers } = next;
  const parts = [`Score ${answers.score}/10`, `reason: ${REASON_LABELS[answers.reason]}`];
  if (answers.winBack) parts.push(`would come back: ${WIN_BACK_LABELS[answers.winBack]}`);
  if (answers.testimonial) {
    parts.push(
      answers.publishAs
        ? `testimonial, may be published ${SCOPE_LABELS[answers.publishAs]}`
        : 'testimonial, private',
    );
  }
  if (consentWithdrawn(previous, next)) parts.push('consent to publish withdrawn');
  return `${parts.join('; ')}.`;
}
