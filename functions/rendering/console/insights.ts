/**
 * The insights page: the charts' geometry, computed here so the SVG in the template only places
 * numbers (no client-side chart library, no script), and the text equivalents. Pure.
 */

import { type FeedbackSummary, PROMOTER_MIN_SCORE } from '../../domain/insights.js';
import {
  DETRACTOR_MAX_SCORE,
  REASON_LABELS,
  SCOPE_LABELS,
  WIN_BACK_LABELS,
} from '../../domain/survey.js';
import type { InsightsBasis } from '../../domain/use-cases/feedback.js';
import { EXPORT_PART_BYTES } from '../exits-csv.js';
import { clientTime } from './format.js';
import type { BarView, ColumnView, ConsoleShell, InsightsView } from './views.js';

/** How many answered surveys the page lists one by one; the CSV export has them all. */
const LATEST = 20;

const COMMENTS = [
  ['reasonDetail', 'In their words'],
  ['whatWorked', 'What worked'],
  ['whatDidNot', 'What did not'],
  ['improve', 'What to improve'],
] as const;

/** The charts' own coordinate space; the SVG scales to the page's width. */
const WIDTH = 360;
const ROW = 46;
const BAR_SPACE = WIDTH - 40;
const COLUMN_SPACE = 150;
const BASELINE = 180;
const COLUMN_WIDTH = 24;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function reasonBars(summary: FeedbackSummary): InsightsView['reasons'] {
  const shown = summary.reasons.filter((row) => row.count > 0);
  const max = Math.max(1, ...shown.map((row) => row.count));
  const bars: BarView[] = shown.map((row, at) => {
    const width = Math.max(2, Math.round((row.count / max) * BAR_SPACE));
    const top = at * ROW;
    return {
      label: REASON_LABELS[row.reason],
      count: row.count,
      textY: top + 16,
      y: top + 22,
      width,
      countX: width + 8,
    };
  });
  return {
    width: WIDTH,
    height: Math.max(ROW, bars.length * ROW),
    summary: bars.map((bar) => `${bar.label}: ${bar.count}`).join('; '),
    bars,
  };
}

function band(score: number): string {
  if (score <= DETRACTOR_MAX_SCORE) return 'detractor';
  return score >= PROMOTER_MIN_SCORE ? 'promoter' : 'passive';
}

function scoreColumns(summary: FeedbackSummary): InsightsView['scores'] {
  const max = Math.max(1, ...summary.scores);
  const step = WIDTH / 11;
  const columns: ColumnView[] = summary.scores.map((count, score) => {
    const height = count === 0 ? 0 : Math.max(2, Math.round((count / max) * COLUMN_SPACE));
    const centre = Math.round(step * score + step / 2);
    return {
      score,
      count,
      x: centre - COLUMN_WIDTH / 2,
      y: BASELINE - height,
      height,
      textX: centre,
      countY: BASELINE - height - 6,
      band: band(score),
    };
  });
  return {
    width: WIDTH,
    height: BASELINE + 26,
    baseline: BASELINE,
    columnWidth: COLUMN_WIDTH,
    summary: columns.map((c) => `${c.score}: ${plural(c.count, 'answer')}`).join('; '),
    columns,
  };
}

function consentWords(testimonial: FeedbackSummary['testimonials'][number]): string {
  if (testimonial.publishable && testimonial.scope) {
    return `May be published ${SCOPE_LABELS[testimonial.scope].replace('my', 'their')}`;
  }
  if (testimonial.withdrawnAt) return 'Consent withdrawn: private, do not publish';
  return 'Private: do not publish';
}

/** Over how many exits the numbers were computed, and whether the read was capped. */
function basisWords(basis: InsightsBasis): string {
  const count = basis.read.toLocaleString('en-GB');
  if (basis.truncated) {
    return `Computed over ${count} exits, the most the insights read at once: there are more, which these numbers leave out. The CSV export has them all.`;
  }
  if (basis.read === 0) return 'No exits yet.';
  return `Computed over ${count} ${basis.read === 1 ? 'exit' : 'exits'}: every exit.`;
}

export function insightsView(
  summary: FeedbackSummary & InsightsBasis,
  shell: ConsoleShell,
): InsightsView {
  const href = (exitId: string) => `/admin/exits/${exitId}`;
  const { nps } = summary;
  return {
    shell,
    answered: summary.answered,
    truncated: summary.truncated,
    basis: basisWords(summary),
    exportNote: `A large export downloads in parts of at most ${EXPORT_PART_BYTES / 1024 / 1024} MB each; when more exits follow, the last row of a part gives the address of the next part.`,
    exportHref: '/admin/exports/exits.csv',
    nps:
      nps.score === null
        ? null
        : {
            // A real minus sign reads better than a hyphen before a number.
            score: nps.score < 0 ? `−${Math.abs(nps.score)}` : String(nps.score),
            promoters: nps.promoters,
            passives: nps.passives,
            detractors: nps.detractors,
          },
    reasons: reasonBars(summary),
    scores: scoreColumns(summary),
    winBack: summary.winBack.map((candidate) => ({
      href: href(candidate.exitId),
      name: candidate.name,
      company: candidate.company ?? null,
      answer: WIN_BACK_LABELS[candidate.answer],
      score: candidate.score,
    })),
    latest: summary.latest.slice(0, LATEST).map((answered) => ({
      href: href(answered.exitId),
      name: answered.name,
      company: answered.company ?? null,
      answeredOn: clientTime(answered.answeredAt, 'UTC'),
      score: answered.answers.score,
      reason: REASON_LABELS[answered.answers.reason],
      comments: COMMENTS.flatMap(([field, label]) => {
        const text = answered.answers[field];
        return text ? [{ label, text }] : [];
      }),
    })),
    latestMore: Math.max(0, summary.latest.length - LATEST),
    testimonials: summary.testimonials.map((testimonial) => ({
      href: href(testimonial.exitId),
      name: testimonial.name,
      company: testimonial.company ?? null,
      text: testimonial.text,
      publishable: testimonial.publishable,
      consent: consentWords(testimonial),
    })),
  };
}
