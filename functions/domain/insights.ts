/**
 * What the exit surveys say, across every exit: reasons for leaving, the likelihood-to-recommend
 * distribution and its Net Promoter Score, who might come back, and the testimonials with their
 * consent. Pure.
 */
import {
  type Exit,
  LEAVING_REASONS,
  type LeavingReason,
  type SurveyAnswers,
  type TestimonialScope,
  type WinBack,
} from './exit.js';
import { DETRACTOR_MAX_SCORE } from './survey.js';

/** NPS bands: 9–10 promote, 7–8 are passive, 0–6 (`DETRACTOR_MAX_SCORE`) detract. */
export const PROMOTER_MIN_SCORE = 9;

export interface NetPromoter {
  promoters: number;
  passives: number;
  detractors: number;
  /** Promoters minus detractors, as a percentage of all answers (−100…100); null without any. */
  score: number | null;
}

export interface WinBackCandidate {
  exitId: string;
  name: string;
  company?: string;
  answer: Extract<WinBack, 'yes' | 'maybe'>;
  score: number;
  answeredAt: string;
}

export interface Testimonial {
  exitId: string;
  name: string;
  company?: string;
  text: string;
  /** Publishable only while consent is given and not withdrawn. */
  publishable: boolean;
  scope?: TestimonialScope;
  givenAt?: string;
  withdrawnAt?: string;
}

/** One client's latest answers, for reading them one by one. */
export interface AnsweredExit {
  exitId: string;
  name: string;
  company?: string;
  answeredAt: string;
  answers: SurveyAnswers;
}

export interface FeedbackSummary {
  /** Exits whose survey was answered. */
  answered: number;
  /** Every reason of the fixed list, most chosen first (ties in list order). */
  reasons: { reason: LeavingReason; count: number }[];
  /** How many answers gave each score, index 0 to 10. */
  scores: number[];
  nps: NetPromoter;
  /** Clients who would consider coming back ("yes" first, then newest), never an erased one. */
  winBack: WinBackCandidate[];
  /** Publishable ones first, then newest. */
  testimonials: Testimonial[];
  /** Every answered survey, newest first. */
  latest: AnsweredExit[];
}

export function netPromoter(scores: readonly number[]): NetPromoter {
  const promoters = scores.filter((s) => s >= PROMOTER_MIN_SCORE).length;
  const detractors = scores.filter((s) => s <= DETRACTOR_MAX_SCORE).length;
  const passives = scores.length - promoters - detractors;
  const score =
    scores.length === 0 ? null : Math.round(((promoters - detractors) / scores.length) * 100);
  return { promoters, passives, detractors, score };
}

const byNewest = (a: { answeredAt: string }, b: { answeredAt: string }) =>
  b.answeredAt.localeCompare(a.answeredAt);

export function summarizeFeedback(exits: readonly Exit[]): FeedbackSummary {
  const answered = exits.filter((exit) => exit.survey);
  const counts = new Map<LeavingReason, number>(LEAVING_REASONS.map((r) => [r, 0]));
  const scores = Array.from({ length: 11 }, () => 0);
  const given: number[] = [];
  const winBack: WinBackCandidate[] = [];
  const testimonials: (Testimonial & { answeredAt: string })[] = [];
  const latest: AnsweredExit[] = [];
  for (const exit of answered) {
    const survey = exit.survey;
    if (!survey) continue;
    const { answers } = survey;
    counts.set(answers.reason, (counts.get(answers.reason) ?? 0) + 1);
    if (Number.isInteger(answers.score) && answers.score >= 0 && answers.score <= 10) {
      scores[answers.score] = (scores[answers.score] ?? 0) + 1;
      given.push(answers.score);
    }
    const who = {
      exitId: exit.id,
      name: exit.client.name,
      ...(exit.client.company ? { company: exit.client.company } : {}),
    };
    latest.push({ ...who, answeredAt: survey.revisedAt, answers });
    if ((answers.winBack === 'yes' || answers.winBack === 'maybe') && !exit.erasedAt) {
      winBack.push({
        ...who,
        answer: answers.winBack,
        score: answers.score,
        answeredAt: survey.revisedAt,
      });
    }
    if (answers.testimonial) {
      const consent = survey.consent;
      testimonials.push({
        ...who,
        text: answers.testimonial,
        publishable: Boolean(consent && !consent.withdrawnAt && answers.publishAs),
        ...(consent
          ? {
              scope: consent.scope,
              givenAt: consent.givenAt,
              ...(consent.withdrawnAt ? { withdrawnAt: consent.withdrawnAt } : {}),
            }
          : {}),
        answeredAt: survey.revisedAt,
      });
    }
  }
  const order = (reason: LeavingReason) => LEAVING_REASONS.indexOf(reason);
  return {
    answered: answered.length,
    reasons: [...counts]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || order(a.reason) - order(b.reason)),
    scores,
    nps: netPromoter(given),
    winBack: winBack.sort((a, b) =>
      a.answer === b.answer ? byNewest(a, b) : a.answer === 'yes' ? -1 : 1,
    ),
    testimonials: testimonials
      .sort((a, b) => Number(b.publishable) - Number(a.publishable) || byNewest(a, b))
      .map(({ answeredAt: _at, ...testimonial }) => testimonial),
    latest: latest.sort(byNewest),
  };
}
