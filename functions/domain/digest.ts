/**
 * The operator digest: one email a day, at a set hour in the operator's time zone, listing what
 * needs the operator's attention across exits. Pure: which day a change is reported on, when that
 * day's digest goes out, and which sections it has.
 *
 * Sections are pluggable: each is a named builder from the exits the day's digest looks at to
 * its items. Only non-empty sections are sent; a day whose sections are all empty sends nothing.
 */
import { createHash } from 'node:crypto';
import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from './errors.js';
import type { Exit } from './exit.js';
import { normalizeEmail } from './operator.js';
import { REASON_LABELS, WIN_BACK_LABELS } from './survey.js';
import { canonicalZone } from './time-zones.js';

/** When the digest goes out: a whole hour (0–23) in the operator's IANA time zone. */
export interface DigestSettings {
  hour: number;
  timezone: string;
}

export const DEFAULT_DIGEST_HOUR = 8;

/**
 * Validates the digest's settings, naming the field of each mistake (`FAREWELL_DIGEST_HOUR`,
 * `FAREWELL_OPERATOR_TIMEZONE` by default). Throws a `ValidationError`.
 */
export function parseDigestSettings(
  input: { hour?: string | number | undefined; timezone?: string | undefined },
  defaults: { timezone: string },
  fields = { hour: 'FAREWELL_DIGEST_HOUR', timezone: 'FAREWELL_OPERATOR_TIMEZONE' },
): DigestSettings {
  const problems = [];
  const rawHour = input.hour === undefined || input.hour === '' ? DEFAULT_DIGEST_HOUR : input.hour;
  const hour =
    typeof rawHour === 'number' ? rawHour : /^\d{1,2}$/.test(rawHour) ? Number(rawHour) : NaN;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    problems.push({ field: fields.hour, message: 'must be a whole hour from 0 to 23' });
  }
  const timezone = canonicalZone(input.timezone || defaults.timezone);
  if (!IANAZone.isValidZone(timezone)) {
    problems.push({
      field: fields.timezone,
      message: 'must be an IANA time zone such as Europe/London',
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { hour, timezone };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDigestDay(day: string): boolean {
  return DAY.test(day) && DateTime.fromISO(day, { zone: 'UTC' }).isValid;
}

/**
 * The instant the digest of `day` goes out: `hour`:00 on that calendar day in the operator's
 * zone. On a spring-forward day whose hour does not exist (02:00 in Europe/Paris), it is the
 * first moment after the gap; on a fall-back day whose hour happens twice, the later one
 * (standard time). Either way one instant per day, so one digest per day.
 */
export function digestTimeOf(day: string, settings: DigestSettings): Date {
  const [year, month, date] = day.split('-').map(Number);
  const local = DateTime.fromObject(
    { year, month, day: date, hour: settings.hour },
    { zone: settings.timezone },
  );
  return local.toJSDate();
}

/** The operator's calendar day at an instant. */
export function localDay(at: Date, settings: DigestSettings): string {
  return DateTime.fromJSDate(at, { zone: settings.timezone }).toISODate() ?? '';
}

export function nextDigestDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate() ?? '';
}

/**
 * The day whose digest reports something that happened at `at`: the same day when it happened
 * before that day's digest time, else the next day.
 */
export function digestDayFor(at: Date, settings: DigestSettings): string {
  const today = localDay(at, settings);
  return at.getTime() < digestTimeOf(today, settings).getTime() ? today : nextDigestDay(today);
}

/**
 * A short stable key for an operator address: schedule names and table keys carry it instead of
 * the address (no address in schedule names, logs or keys).
 */
export function digestOperatorKey(email: string): string {
  return createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 20);
}

export type DigestSectionKind =
  | 'tasks-due'
  | 'handover-unconfirmed'
  | 'awaiting-approval'
  | 'survey-answers'
  | 'win-back';

export interface DigestItem {
  exitId: string;
  /** The console page of the exit, relative to the app's base URL. */
  exitPath: string;
  /** Who: the client's name, and company when known. */
  who: string;
  /** One line on what needs attention. */
  detail: string;
}

export interface DigestSection {
  kind: DigestSectionKind;
  title: string;
  items: DigestItem[];
}

/** What a day's digest looks at. */
export interface DigestInput {
  /** The operator's day the digest is for (`YYYY-MM-DD`). */
  day: string;
  /** The exits something was noted for since the last digest (see `DigestStore`). */
  exits: readonly Exit[];
  /** Changes after this instant are left to the next digest (the moment this one was claimed). */
  until: string;
}

export interface DigestSectionBuilder {
  kind: DigestSectionKind;
  title: string;
  build(input: DigestInput): DigestItem[];
  /**
   * Exits to note again on the next day's digest, for items that stay until done (an overdue
   * task, an unconfirmed handover item): so tomorrow's digest finds them without a scan.
   */
  carry?(input: DigestInput): string[];
}

export function exitPath(exitId: string): string {
  return `/admin/exits/${encodeURIComponent(exitId)}`;
}

function item(exit: Exit, detail: string): DigestItem {
  const { name, company } = exit.client;
  return {
    exitId: exit.id,
    exitPath: exitPath(exit.id),
    who: company ? `${name} (${company})` : name,
    detail,
  };
}

/** Answered (or revised) up to `until`, and not erased since. */
function answeredBy(exit: Exit, until: string) {
  const survey = exit.survey;
  return survey && !exit.erasedAt && survey.revisedAt <= until ? survey : undefined;
}

const byName = (a: DigestItem, b: DigestItem) =>
  a.who.localeCompare(b.who) || a.exitId.localeCompare(b.exitId);

/** Hook, filled by the checklist: tasks due on `day` and overdue ones. */
export const tasksDueSection: DigestSectionBuilder = {
  kind: 'tasks-due',
  title: 'Tasks due today and overdue',
  build: () => [],
};

/** Hook, filled by the handover page: items the client has not confirmed by the effective date. */
export const handoverUnconfirmedSection: DigestSectionBuilder = {
  kind: 'handover-unconfirmed',
  title: 'Handover items not yet confirmed',
  build: () => [],
};

/** Hook, filled by notice approval: exits whose notice waits for the operator. */
export const awaitingApprovalSection: DigestSectionBuilder = {
  kind: 'awaiting-approval',
  title: 'Exits awaiting your approval',
  build: () => [],
};

export const surveyAnswersSection: DigestSectionBuilder = {
  kind: 'survey-answers',
  title: 'Survey answers received',
  build: ({ exits, until }) =>
    exits
      .flatMap((exit) => {
        const survey = answeredBy(exit, until);
        if (!survey) return [];
        const { answers } = survey;
        const revised = survey.revision > 1 ? ' (revised answers)' : '';
        return [
          item(
            exit,
            `scored ${answers.score}/10; main reason: ${REASON_LABELS[answers.reason]}${revised}`,
          ),
        ];
      })
      .sort(byName),
};

export const winBackSection: DigestSectionBuilder = {
  kind: 'win-back',
  title: 'Clients who might come back',
  build: ({ exits, until }) =>
    exits
      .flatMap((exit) => {
        const winBack = answeredBy(exit, until)?.answers.winBack;
        if (winBack !== 'yes' && winBack !== 'maybe') return [];
        return [item(exit, `would consider working with us again: ${WIN_BACK_LABELS[winBack]}`)];
      })
      .sort(byName),
};

/** Every section, in the order the digest shows them. */
export const DIGEST_SECTIONS: readonly DigestSectionBuilder[] = [
  tasksDueSection,
  handoverUnconfirmedSection,
  awaitingApprovalSection,
  surveyAnswersSection,
  winBackSection,
];

/** The digest's non-empty sections; none means there is nothing to say that day. */
export function buildDigest(
  input: DigestInput,
  sections: readonly DigestSectionBuilder[] = DIGEST_SECTIONS,
): DigestSection[] {
  return sections.flatMap(({ kind, title, build }) => {
    const items = build(input);
    return items.length > 0 ? [{ kind, title, items }] : [];
  });
}

/** The exits the sections keep for the next day's digest, each once. */
export function digestCarryOver(
  input: DigestInput,
  sections: readonly DigestSectionBuilder[] = DIGEST_SECTIONS,
): string[] {
  return [...new Set(sections.flatMap((section) => section.carry?.(input) ?? []))].sort();
}
