import { DateTime } from 'luxon';
import { buildDigest } from '../domain/digest.js';
import type { DigestView } from '../domain/digest-ports.js';
import type { Client, Exit, Step, StepKind, SurveyResponse } from '../domain/exit.js';
import { normaliseHandover } from '../domain/handover.js';
import type { EmailName } from './email-views.js';

/** One email of the preview: a realistic exit at the moment its step would go out. */
export interface PreviewCase {
  name: EmailName;
  title: string;
  exit: Exit;
  step: Step;
}

const amelia: Client = {
  name: 'Amelia Okafor',
  email: 'amelia.okafor@harbourlight.example',
  company: 'Harbourlight Logistics',
  timezone: 'Europe/London',
  country: 'GB',
  locale: 'en-GB',
};

const dana: Client = {
  name: 'Dana Whitfield',
  email: 'dana@crescentbakery.example',
  company: 'Crescent Bakery Co.',
  timezone: 'America/Chicago',
  country: 'US',
  locale: 'en-US',
};

const handover = normaliseHandover([
  {
    title: 'Source code and deployment scripts of the customer portal',
    url: 'https://git.example.com/crescent/portal',
  },
  'Admin access to hosting, DNS and analytics, moved to your password manager',
  {
    title: 'Architecture diagrams and our decision log',
    note: 'The log explains why each major choice was made.',
  },
  'Open issues, each with our notes and a suggested next step',
]);

const highlights = [
  'Rebuilt the customer portal: support tickets about orders fell by a third',
  'Moved hosting to a managed platform and cut the monthly bill by 40%',
  'Trained your team to ship releases on their own',
];

function sampleExit(
  id: string,
  client: Client,
  initiatedBy: Exit['initiatedBy'],
  effectiveOn: DateTime,
  now: Date,
): Exit {
  const at = now.toISOString();
  return {
    id,
    source: 'console',
    client,
    initiatedBy,
    ...(initiatedBy === 'firm'
      ? {
          reason:
            'Your roadmap now centres on native mobile apps, which is outside the web platform work we specialise in.',
        }
      : {}),
    effectiveOn: effectiveOn.toISODate() ?? '',
    relationshipStartedOn: effectiveOn.minus({ years: 2, months: 4 }).toISODate() ?? '',
    handover,
    highlights,
    status: 'active',
    createdAt: at,
    updatedAt: at,
    steps: {},
    timeline: [{ at, event: 'exit.created' }],
  };
}

/** The next Monday for a weekend date: firms rarely end an engagement on a Saturday. */
function workday(date: DateTime): DateTime {
  return date.weekday > 5 ? date.plus({ days: 8 - date.weekday }) : date;
}

function step(kind: StepKind, now: Date): Step {
  const id = kind === 'check-in' ? 'check-in-1' : kind;
  return { id, kind, dueAt: now.toISOString(), state: 'scheduled', attempts: 0 };
}

/**
 * The six emails with sample data, dated so that each reads as it would on the day it is sent
 * at `now`: the notice a month ahead of the effective date, the check-in six months after it.
 */
export function previewCases(now: Date): PreviewCase[] {
  const today = (client: Client) => DateTime.fromJSDate(now, { zone: client.timezone });
  const firm = (days: number, id: string) =>
    sampleExit(id, amelia, 'firm', today(amelia).plus({ days }), now);
  return [
    {
      name: 'notice-firm',
      title: 'Notice, when the firm ends the engagement',
      exit: sampleExit(
        'xpreviewnoticefirm',
        amelia,
        'firm',
        workday(today(amelia).plus({ days: 30 })),
        now,
      ),
      step: step('notice', now),
    },
    {
      name: 'notice-client',
      title: 'Notice, when the client leaves',
      exit: sampleExit(
        'xpreviewnoticeclient',
        dana,
        'client',
        workday(today(dana).plus({ days: 14 })),
        now,
      ),
      step: step('notice', now),
    },
    {
      name: 'gratitude',
      title: 'Thank you, on the last day',
      exit: firm(0, 'xpreviewgratitude'),
      step: step('gratitude', now),
    },
    {
      name: 'survey',
      title: 'Survey invitation, a few business days later',
      exit: firm(-3, 'xpreviewsurvey'),
      step: step('survey', now),
    },
    {
      name: 'survey-reminder',
      title: 'Survey reminder, a week after the invitation',
      exit: firm(-10, 'xpreviewreminder'),
      step: step('survey-reminder', now),
    },
    {
      name: 'check-in',
      title: 'Stay in touch, every few months',
      exit: sampleExit('xpreviewcheckin', amelia, 'firm', today(amelia).minus({ months: 6 }), now),
      step: step('check-in', now),
    },
    {
      name: 'date-change',
      title: 'Change of date, when the effective date moves after the notice',
      exit: firm(45, 'xpreviewdatechange'),
      step: {
        ...step('date-change', now),
        id: 'date-change-1',
        previousEffectiveOn: workday(today(amelia).plus({ days: 30 })).toISODate() ?? '',
      },
    },
  ];
}

/**
 * The operator alert about survey answers (not a step of the sequence, so not in
 * `previewCases`): a low score with a testimonial kept private.
 */
export function surveyAnswerSample(now: Date): {
  exit: Exit;
  response: SurveyResponse;
  reasons: string[];
} {
  const at = now.toISOString();
  const exit = sampleExit(
    'xpreviewsurveyanswer',
    amelia,
    'firm',
    DateTime.fromJSDate(now, { zone: amelia.timezone }).minus({ days: 5 }),
    now,
  );
  const response: SurveyResponse = {
    answers: {
      reason: 'communication',
      score: 4,
      whatWorked: 'The portal rebuild was careful and well documented.',
      whatDidNot: 'Weekly updates often came a few days late.',
      winBack: 'maybe',
    },
    answeredAt: at,
    revisedAt: at,
    revision: 1,
  };
  return { exit, response, reasons: ['a score of 4 out of 10'] };
}

/** The operator digest (not a step either): the sample answer above, listed in its sections. */
export function operatorDigestSample(now: Date): DigestView {
  const { exit, response } = surveyAnswerSample(now);
  const answered = { ...exit, survey: response };
  const day = DateTime.fromJSDate(now, { zone: 'UTC' }).toISODate() ?? '';
  return { day, sections: buildDigest({ day, exits: [answered], until: now.toISOString() }) };
}
