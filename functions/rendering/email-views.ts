import { DateTime } from 'luxon';
import type { Exit, Step } from '../domain/exit.js';
import { greetingNameOf } from '../domain/greeting-name.js';
import { type LinkPurpose, signLinkToken } from '../domain/link-token.js';
import { type Branding, DEFAULT_ACCENT, textColourOn } from './branding.js';
import {
  daysUntil,
  emailDateLocale,
  formatDate,
  monthsBetween,
  pastSpanInWords,
  periodInWords,
  spanInWords,
} from './time-words.js';

export interface LinkSettings {
  /** `FAREWELL_PUBLIC_URL`, without a trailing slash. */
  publicUrl: string;
  /** Link signing keys, newest first. */
  keys: readonly string[];
  /** How long a survey link works (default 60 days). */
  surveyLinkDays?: number;
  /** How long an unsubscribe link works (default 400 days: past the next check-in or two). */
  unsubscribeLinkDays?: number;
  /** How long a handover page link works (default 400 days: files are looked for long after). */
  handoverLinkDays?: number;
}

/** A handover item as the emails list it; the link is https (checked at the edge). */
export interface HandoverEmailItem {
  title: string;
  url: string | null;
  note: string | null;
}

/**
 * What every email and the layouts use. Every key is always present (null when empty): the
 * templates are compiled strict, so a key they use that the view lacks throws at render time.
 */
export interface CommonView {
  /** The primary language subtag of the client's locale, for `<html lang>`. */
  lang: string;
  brand: { firmName: string; logoUrl: string | null; accent: string; accentText: string };
  signature: string;
  /** `greetingName` is for greetings and subjects of client emails; `name` everywhere else. */
  client: { name: string; greetingName: string; company: string | null };
  footer: {
    postalAddress: string | null;
    unsubscribeUrl: string | null;
    /** False for the operator's own emails: "because of your work with us" is for clients. */
    forClient: boolean;
  };
}

export interface NoticeFirmView extends CommonView {
  effectiveDate: string;
  /** The effective date is the client's today (a date a few days past is taken as today). */
  endsToday: boolean;
  /** "28 days", or null when the effective date is today or past. */
  noticePeriod: string | null;
  reason: string | null;
  handover: HandoverEmailItem[];
  /** The client's handover page (`/h/{token}`), or null when nothing is handed over. */
  handoverUrl: string | null;
  /** The operator's personal paragraph from the approval, one entry per paragraph. */
  personalParagraphs: string[];
}

export interface NoticeClientView extends CommonView {
  effectiveDate: string;
  /** The effective date is the client's today. */
  endsToday: boolean;
  handover: HandoverEmailItem[];
  /** The client's handover page (`/h/{token}`), or null when nothing is handed over. */
  handoverUrl: string | null;
  /** The operator's personal paragraph from the approval, one entry per paragraph. */
  personalParagraphs: string[];
}

export interface GratitudeView extends CommonView {
  effectiveDate: string;
  /**
   * Where the send falls against the effective date, in the client's zone: a gratitude can go
   * early (send now), on the day, or late (after a resume, or the business day after a weekend).
   */
  sentBeforeEnd: boolean;
  sentOnEnd: boolean;
  /** "the past two years", or null when the relationship's start is unknown. */
  relationshipSpan: string | null;
  highlights: string[];
  /** The client's handover page (`/h/{token}`), or null when nothing is handed over. */
  handoverUrl: string | null;
}

export interface SurveyView extends CommonView {
  surveyUrl: string;
  /** The 0–10 recommendation scale: each number links to the survey with `?score=N`. */
  scores: number[];
}

export interface SurveyReminderView extends CommonView {
  surveyUrl: string;
}

export interface CheckInView extends CommonView {
  /** "six months" since the effective date, or null before it. */
  timeSinceEnd: string | null;
}

export interface DateChangeView extends CommonView {
  effectiveDate: string;
  /** The date the client was told before, or null when unknown. */
  previousDate: string | null;
}

/** The operator's email about survey answers that need attention. */
export interface OperatorAlertView extends CommonView {
  exitId: string;
  /** The exit's page in the console, absolute (the operator reads this in a mail client). */
  exitUrl: string;
  /** Why the operator hears about it, e.g. "a score of 4 out of 10". */
  reasons: string[];
  revision: number;
  revised: boolean;
  answeredOn: string;
  score: number;
  reason: string;
  reasonDetail: string | null;
  whatWorked: string | null;
  whatDidNot: string | null;
  improve: string | null;
  winBack: string | null;
  testimonial: string | null;
  /** "with their name"…, or null when the testimonial is to stay private. */
  publishAs: string | null;
  consentWithdrawn: boolean;
}

/** The operator's daily digest: sections of items, each linking to its exit's console page. */
export interface OperatorDigestView extends Omit<CommonView, 'client'> {
  dayInWords: string;
  itemCount: number;
  sections: { title: string; items: { who: string; detail: string; exitUrl: string }[] }[];
}

export interface EmailViews {
  'notice-firm': NoticeFirmView;
  'notice-client': NoticeClientView;
  gratitude: GratitudeView;
  survey: SurveyView;
  'survey-reminder': SurveyReminderView;
  'check-in': CheckInView;
  'date-change': DateChangeView;
  'survey-answer': OperatorAlertView;
  'operator-digest': OperatorDigestView;
}

/** The name of each email Farewell sends, as its templates are named. */
export type EmailName = keyof EmailViews;

/** The view of the HTML and text parts: the email's view plus its rendered subject and preheader. */
export type Framed<View> = View & { subject: string; preheader: string };

/** An email ready to render: which templates, and the view they get. */
export type PreparedEmail = {
  [Name in EmailName]: { name: Name; view: EmailViews[Name] };
}[EmailName];

export interface ViewContext {
  branding: Branding;
  links: LinkSettings;
  now: Date;
}

/** Survey, reminder and check-in are not needed to end the engagement: they can be refused. */
const UNSUBSCRIBABLE: ReadonlySet<EmailName> = new Set(['survey', 'survey-reminder', 'check-in']);

/** The client email a step sends (the operator alert is no step of the sequence). */
export function emailNameFor(
  exit: Exit,
  step: Step,
): Exclude<EmailName, 'survey-answer' | 'operator-digest'> {
  if (step.kind === 'notice') return exit.initiatedBy === 'firm' ? 'notice-firm' : 'notice-client';
  return step.kind;
}

export function isUnsubscribable(name: EmailName): boolean {
  return UNSUBSCRIBABLE.has(name);
}

function signedUrl(
  exit: Exit,
  context: ViewContext,
  purpose: LinkPurpose,
  route: string,
  days: number,
): string {
  const token = signLinkToken(context.links.keys, {
    exitId: exit.id,
    purpose,
    expiresAt: Math.floor(context.now.getTime() / 1000) + days * 86_400,
  });
  return `${context.links.publicUrl}/${route}/${token}`;
}

export function commonView(exit: Exit, name: EmailName, context: ViewContext): CommonView {
  const { branding } = context;
  const accent = branding.accent ?? DEFAULT_ACCENT;
  const language = exit.client.locale.split('-')[0] ?? '';
  return {
    lang: /^[a-z]{2,3}$/i.test(language) ? language.toLowerCase() : 'en',
    brand: {
      firmName: branding.firmName,
      logoUrl: branding.logoUrl ?? null,
      accent,
      accentText: textColourOn(accent),
    },
    signature: branding.signature,
    client: {
      name: exit.client.name,
      greetingName: greetingNameOf(exit.client),
      company: exit.client.company ?? null,
    },
    footer: {
      postalAddress: branding.postalAddress ?? null,
      unsubscribeUrl: isUnsubscribable(name)
        ? signedUrl(exit, context, 'unsubscribe', 'u', context.links.unsubscribeLinkDays ?? 400)
        : null,
      forClient: name !== 'survey-answer',
    },
  };
}

function relationshipSpan(exit: Exit): string | null {
  if (!exit.relationshipStartedOn) return null;
  const months = monthsBetween(exit.relationshipStartedOn, exit.effectiveOn);
  return months >= 0 ? pastSpanInWords(months) : null;
}

function timeSinceEnd(exit: Exit, now: Date): string | null {
  const today = DateTime.fromJSDate(now, { zone: exit.client.timezone }).toISODate();
  if (!today || today < exit.effectiveOn) return null;
  return spanInWords(monthsBetween(exit.effectiveOn, today));
}

function gratitudeTiming(exit: Exit, now: Date): { sentBeforeEnd: boolean; sentOnEnd: boolean } {
  const days = daysUntil(exit.effectiveOn, now, exit.client.timezone);
  return { sentBeforeEnd: days > 0, sentOnEnd: days === 0 };
}

/** The items as the emails list them. */
function handoverItems(exit: Exit): HandoverEmailItem[] {
  return exit.handover.map((item) => ({
    title: item.title,
    url: item.url ?? null,
    note: item.note ?? null,
  }));
}

/** The signed link to the client's handover page, or null when nothing is handed over. */
export function handoverUrl(exit: Exit, context: ViewContext): string | null {
  if (exit.handover.length === 0) return null;
  return signedUrl(exit, context, 'handover', 'h', context.links.handoverLinkDays ?? 400);
}

/** Paragraphs of plain text (a blank line between two), each on one line. */
function paragraphsOf(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** Builds the typed view of the email a step sends. Pure: the time comes in the context. */
export function prepareEmail(exit: Exit, step: Step, context: ViewContext): PreparedEmail {
  const name = emailNameFor(exit, step);
  const common = commonView(exit, name, context);
  const effectiveDate = formatDate(
    exit.effectiveOn,
    emailDateLocale(exit.client.locale, exit.client.country),
  );
  const surveyUrl = () =>
    signedUrl(exit, context, 'survey', 's', context.links.surveyLinkDays ?? 60);
  switch (name) {
    case 'notice-firm': {
      const days = daysUntil(exit.effectiveOn, context.now, exit.client.timezone);
      return {
        name,
        view: {
          ...common,
          effectiveDate,
          endsToday: days === 0,
          noticePeriod: days > 0 ? periodInWords(days) : null,
          reason: exit.reason ?? null,
          handover: handoverItems(exit),
          handoverUrl: handoverUrl(exit, context),
          personalParagraphs: paragraphsOf(exit.personalNote),
        },
      };
    }
    case 'notice-client': {
      const endsToday = daysUntil(exit.effectiveOn, context.now, exit.client.timezone) === 0;
      return {
        name,
        view: {
          ...common,
          effectiveDate,
          endsToday,
          handover: handoverItems(exit),
          handoverUrl: handoverUrl(exit, context),
          personalParagraphs: paragraphsOf(exit.personalNote),
        },
      };
    }
    case 'gratitude':
      return {
        name,
        view: {
          ...common,
          ...gratitudeTiming(exit, context.now),
          effectiveDate,
          relationshipSpan: relationshipSpan(exit),
          highlights: exit.highlights,
          handoverUrl: handoverUrl(exit, context),
        },
      };
    case 'survey': {
      const scores = Array.from({ length: 11 }, (_, score) => score);
      return { name, view: { ...common, surveyUrl: surveyUrl(), scores } };
    }
    case 'survey-reminder':
      return { name, view: { ...common, surveyUrl: surveyUrl() } };
    case 'check-in':
      return { name, view: { ...common, timeSinceEnd: timeSinceEnd(exit, context.now) } };
    case 'date-change': {
      const previous = step.previousEffectiveOn;
      const previousDate = previous
        ? formatDate(previous, emailDateLocale(exit.client.locale, exit.client.country))
        : null;
      return { name, view: { ...common, effectiveDate, previousDate } };
    }
  }
}
