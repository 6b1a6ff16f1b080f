import { describe, expect, it } from 'vitest';
import type { Exit, SurveyResponse } from '../../functions/domain/exit.js';
import { netPromoter, summarizeFeedback } from '../../functions/domain/insights.js';
import { buildExit } from '../support/exit-fixture.js';

const AT = '2025-04-04T09:00:00.000Z';

function answered(answers: SurveyResponse['answers'], extra: Partial<SurveyResponse> = {}): Exit {
  return buildExit({ survey: { answers, answeredAt: AT, revisedAt: AT, revision: 1, ...extra } });
}

describe('the Net Promoter Score', () => {
  it('is promoters minus detractors, as a whole percentage of every answer', () => {
    expect(netPromoter([10, 9, 8, 7, 6, 0])).toEqual({
      promoters: 2,
      passives: 2,
      detractors: 2,
      score: 0,
    });
    expect(netPromoter([10, 10, 9, 3]).score).toBe(50);
    expect(netPromoter([0, 6, 7]).score).toBe(-67);
  });

  it('is null without answers', () => {
    expect(netPromoter([]).score).toBeNull();
  });
});

describe('the feedback summary', () => {
  it('counts reasons (most chosen first) and every score, ignoring exits without answers', () => {
    const summary = summarizeFeedback([
      answered({ reason: 'quality', score: 3 }),
      answered({ reason: 'budget', score: 9 }),
      answered({ reason: 'budget', score: 9 }),
      buildExit(),
    ]);

    expect(summary.answered).toBe(3);
    expect(summary.reasons.slice(0, 2)).toEqual([
      { reason: 'budget', count: 2 },
      { reason: 'quality', count: 1 },
    ]);
    expect(summary.reasons).toHaveLength(9);
    expect(summary.scores).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0]);
    expect(summary.nps.score).toBe(33);
    expect(summary.latest).toHaveLength(3);
  });

  it('lists those who might come back, yes first, never an erased client or a no', () => {
    const maybe = answered({ reason: 'budget', score: 6, winBack: 'maybe' });
    const yes = answered({ reason: 'budget', score: 8, winBack: 'yes' });
    const erased = { ...answered({ reason: 'budget', score: 8, winBack: 'yes' }), erasedAt: AT };

    const summary = summarizeFeedback([
      maybe,
      erased,
      answered({ reason: 'budget', score: 8, winBack: 'no' }),
      yes,
    ]);

    expect(summary.winBack.map((c) => [c.exitId, c.answer])).toEqual([
      [yes.id, 'yes'],
      [maybe.id, 'maybe'],
    ]);
  });

  it('marks a testimonial publishable only while its consent stands', () => {
    const given = answered(
      { reason: 'budget', score: 10, testimonial: 'Superb.', publishAs: 'company' },
      { consent: { scope: 'company', givenAt: AT } },
    );
    const withdrawn = answered(
      { reason: 'budget', score: 10, testimonial: 'Once superb.' },
      { consent: { scope: 'name', givenAt: AT, withdrawnAt: AT } },
    );
    const privately = answered({ reason: 'budget', score: 10, testimonial: 'Just for you.' });

    const { testimonials } = summarizeFeedback([withdrawn, privately, given]);

    expect(testimonials.map((t) => [t.text, t.publishable, t.scope])).toEqual([
      ['Superb.', true, 'company'],
      ['Once superb.', false, 'name'],
      ['Just for you.', false, undefined],
    ]);
    expect(testimonials[1]?.withdrawnAt).toBe(AT);
  });
});
