import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import type { SurveyResponse } from '../../functions/domain/exit.js';
import {
  alertReasons,
  parseSurveyAnswers,
  reviseResponse,
  sameAnswers,
  surveySummary,
} from '../../functions/domain/survey.js';
import { thrownBy } from '../support/thrown.js';

const T1 = '2025-04-05T12:00:00.000Z';
const T2 = '2025-04-06T12:00:00.000Z';

function problemsOf(fields: Record<string, string>) {
  return thrownBy(ValidationError, () => parseSurveyAnswers(fields)).problems;
}

describe('parseSurveyAnswers', () => {
  it('keeps the answers given, trimmed, and drops empty text boxes', () => {
    const answers = parseSurveyAnswers({
      score: '7',
      reason: 'budget',
      whatWorked: '  Quick replies \r\n and clear plans  ',
      whatDidNot: '   ',
      winBack: 'maybe',
    });

    expect(answers).toEqual({
      score: 7,
      reason: 'budget',
      whatWorked: 'Quick replies \n and clear plans',
      winBack: 'maybe',
    });
  });

  it('names every missing required answer and every cross-field problem at once', () => {
    const problems = problemsOf({ reason: 'other', testimonial: 'Great team' });

    expect(problems.map((p) => p.field)).toEqual(['score', 'reasonDetail', 'publishAs']);
    expect(problems[0]?.message).toBe('Please choose a number from 0 to 10.');
  });

  it.each(['11', '-1', '4.5', 'seven', ''])('refuses the score %j', (score) => {
    expect(problemsOf({ score, reason: 'budget' }).map((p) => p.field)).toEqual(['score']);
  });

  it('refuses a reason outside the fixed list', () => {
    expect(problemsOf({ score: '5', reason: 'bored' }).map((p) => p.field)).toEqual(['reason']);
  });

  it('refuses text over its limit with a message in plain words', () => {
    const problems = problemsOf({ score: '5', reason: 'budget', improve: 'x'.repeat(2001) });

    expect(problems).toEqual([
      { field: 'improve', message: 'Please keep this under 2,000 characters.' },
    ]);
  });

  it('asks for the testimonial when publication is chosen without one', () => {
    const problems = problemsOf({ score: '9', reason: 'work-complete', publishAs: 'name' });

    expect(problems.map((p) => p.field)).toEqual(['testimonial']);
  });

  it('stores "keep it private" as no consent at all', () => {
    const answers = parseSurveyAnswers({
      score: '9',
      reason: 'work-complete',
      testimonial: 'A pleasure',
      publishAs: 'private',
    });

    expect(answers).toEqual({ score: 9, reason: 'work-complete', testimonial: 'A pleasure' });
  });

  it('drops control characters but keeps line breaks', () => {
    const answers = parseSurveyAnswers({
      score: '3',
      reason: 'quality',
      whatDidNot: 'a\u0000b\nc',
    });

    expect(answers.whatDidNot).toBe('ab\nc');
  });
});

describe('reviseResponse', () => {
  const first = reviseResponse(
    undefined,
    { score: 9, reason: 'work-complete', testimonial: 'Great', publishAs: 'company' },
    T1,
  );

  it('starts at revision 1 with the consent given at the time of answering', () => {
    expect(first).toMatchObject({
      answeredAt: T1,
      revisedAt: T1,
      revision: 1,
      consent: { scope: 'company', givenAt: T1 },
    });
  });

  it('keeps the first answer time and the consent when a revision keeps the scope', () => {
    const next = reviseResponse(first, { ...first.answers, score: 10 }, T2);

    expect(next).toMatchObject({ answeredAt: T1, revisedAt: T2, revision: 2 });
    expect(next.consent).toEqual({ scope: 'company', givenAt: T1 });
  });

  it('records a new consent when the scope changes', () => {
    const next = reviseResponse(first, { ...first.answers, publishAs: 'anonymous' }, T2);

    expect(next.consent).toEqual({ scope: 'anonymous', givenAt: T2 });
  });

  it('records the withdrawal when publication is no longer allowed', () => {
    const { publishAs: _, ...rest } = first.answers;

    const next = reviseResponse(first, rest, T2);

    expect(next.consent).toEqual({ scope: 'company', givenAt: T1, withdrawnAt: T2 });
    expect(alertReasons(first, next)).toContain('they withdrew consent to publish it');
    expect(surveySummary(first, next)).toContain('consent to publish withdrawn');
  });
});

describe('alertReasons', () => {
  const response = (answers: SurveyResponse['answers']) => reviseResponse(undefined, answers, T1);

  it('says nothing about a happy client with nothing to share', () => {
    expect(alertReasons(undefined, response({ score: 9, reason: 'work-complete' }))).toEqual([]);
  });

  it('flags a score of 6 or less, win-back interest and a testimonial', () => {
    const reasons = alertReasons(
      undefined,
      response({ score: 6, reason: 'budget', winBack: 'yes', testimonial: 'Kind words' }),
    );

    expect(reasons).toEqual([
      'a score of 6 out of 10',
      'they would consider working with you again',
      'they left a testimonial',
    ]);
  });

  it('does not flag a client who would not come back', () => {
    expect(
      alertReasons(undefined, response({ score: 8, reason: 'budget', winBack: 'no' })),
    ).toEqual([]);
  });
});

describe('sameAnswers and the summary', () => {
  it('tells an identical resubmission from a change', () => {
    const a = { score: 5, reason: 'budget' as const, improve: 'More demos' };

    expect(sameAnswers(a, { ...a })).toBe(true);
    expect(sameAnswers(a, { ...a, improve: 'More demos.' })).toBe(false);
    expect(sameAnswers(a, { score: 5, reason: 'budget' })).toBe(false);
  });

  it('summarises choices for the timeline without the free text', () => {
    const response = reviseResponse(
      undefined,
      { score: 4, reason: 'communication', whatDidNot: 'secret words', winBack: 'maybe' },
      T1,
    );

    const summary = surveySummary(undefined, response);

    expect(summary).toBe(
      'Score 4/10; reason: Communication or responsiveness; would come back: Perhaps.',
    );
    expect(summary).not.toContain('secret');
  });
});
