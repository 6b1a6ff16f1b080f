/**
 * Approval before the notice (`FAREWELL_NOTICE_APPROVAL`): which new exits wait for an operator,
 * and the decision that lets one go. Pure, like `exit-changes.ts`: the use case writes the change
 * in one conditional update (`from: ['awaiting-approval']`), so two approvals at once plan once.
 */
import { DateTime } from 'luxon';
import { ValidationError } from './errors.js';
import type { Exit, Step } from './exit.js';
import { type Decision, refuse, UNCHANGED, write } from './exit-changes.js';
import { planExit } from './plan.js';
import type { StatusChange } from './ports.js';
import type { SequenceRules } from './sequence-rules.js';

export const NOTICE_APPROVALS = ['none', 'webhook', 'all'] as const;
/** Which new exits wait for approval: none, those a webhook started, or every one. */
export type NoticeApproval = (typeof NOTICE_APPROVALS)[number];

/** The longest personal paragraph, in characters: a paragraph, not a second letter. */
export const MAX_PERSONAL_NOTE = 1000;

/** Whether an exit started from `source` waits for approval under `setting`. */
export function needsApproval(setting: NoticeApproval, source: Exit['source']): boolean {
  return setting === 'all' || (setting === 'webhook' && source === 'webhook');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/g;

/**
 * The operator's paragraph as it will be stored: line endings made `\n`, other control
 * characters dropped, trimmed; empty means none. Longer than `MAX_PERSONAL_NOTE` is a
 * `ValidationError` on `personalNote`.
 */
export function personalNoteOf(raw: string | undefined): string | undefined {
  const note = (raw ?? '').replace(/\r\n?/g, '\n').replace(CONTROL_BUT_NEWLINE, '').trim();
  if (note.length > MAX_PERSONAL_NOTE) {
    throw new ValidationError([
      {
        field: 'personalNote',
        message: `must be at most ${MAX_PERSONAL_NOTE} characters (it has ${note.length})`,
      },
    ]);
  }
  return note === '' ? undefined : note;
}

/** Days between the day the exit was started and its effective date, in the client's zone. */
export function noticePeriodDays(exit: Pick<Exit, 'createdAt' | 'effectiveOn' | 'client'>): number {
  const zone = exit.client.timezone;
  const started = DateTime.fromISO(exit.createdAt, { zone }).startOf('day');
  const effective = DateTime.fromISO(exit.effectiveOn, { zone }).startOf('day');
  return Math.max(0, Math.round(effective.diff(started, 'days').days));
}

/**
 * Approve an exit's notice at `now`: the plan starts from the moment of approval, the notice
 * period kept (the effective date moves by as many days as the exit waited), and the exit
 * becomes active with `personalNote` (already normalised) for its notice. An exit already
 * approved changes nothing (a second click, a second operator); a discarded or erased one
 * refuses.
 */
export function approve(
  exit: Exit,
  now: Date,
  rules: SequenceRules,
  actor: string,
  personalNote?: string,
): Decision<StatusChange> {
  if (exit.erasedAt) return refuse('An erased exit cannot be approved');
  if (exit.status === 'cancelled') return refuse('The exit was discarded: nothing to approve');
  if (exit.status !== 'awaiting-approval') return UNCHANGED;
  const zone = exit.client.timezone;
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const effectiveOn = today.plus({ days: noticePeriodDays(exit) }).toISODate() ?? exit.effectiveOn;
  const plan = planExit(
    {
      now,
      timezone: zone,
      ...(exit.client.country ? { country: exit.client.country } : {}),
      effectiveOn,
      ...(exit.relationshipStartedOn ? { relationshipStartedOn: exit.relationshipStartedOn } : {}),
    },
    rules,
  );
  const reschedule: Record<string, string> = {};
  const remove: string[] = [];
  const add: Step[] = [];
  for (const step of Object.values(exit.steps)) {
    if (step.state !== 'scheduled') continue;
    const planned = plan.steps[step.id];
    if (!planned) remove.push(step.id);
    else if (planned.dueAt !== step.dueAt) reschedule[step.id] = planned.dueAt;
  }
  for (const step of Object.values(plan.steps)) {
    if (!exit.steps[step.id]) add.push(step);
  }
  const at = now.toISOString();
  const moved = plan.effectiveOn !== exit.effectiveOn;
  return write({
    from: ['awaiting-approval'],
    to: 'active',
    at,
    entry: {
      at,
      event: 'exit.approved',
      detail: `Notice approved from the ${actor}${personalNote ? ', with a personal paragraph' : ''}; ${
        moved
          ? `the notice period is kept: effective ${plan.effectiveOn} (was ${exit.effectiveOn}).`
          : `effective ${plan.effectiveOn}.`
      }`,
    },
    ...(Object.keys(reschedule).length > 0 ? { reschedule } : {}),
    ...(remove.length > 0 ? { remove } : {}),
    ...(add.length > 0 ? { add } : {}),
    ...(moved ? { effectiveOn: plan.effectiveOn } : {}),
    replannedFrom: exit.effectiveOn,
    ...(personalNote ? { personalNote } : {}),
  });
}

/** Discard an exit that waits for approval: nothing was sent, every planned step is skipped. */
export function discard(exit: Exit, at: string, actor: string): Decision<StatusChange> {
  if (exit.status === 'cancelled') return UNCHANGED;
  if (exit.status !== 'awaiting-approval') {
    return refuse(`A ${exit.status} exit is past approval: cancel it instead`);
  }
  return write({
    from: ['awaiting-approval'],
    to: 'cancelled',
    at,
    entry: {
      at,
      event: 'exit.discarded',
      detail: `Discarded before its notice from the ${actor}.`,
    },
    skip: {
      stepIds: Object.values(exit.steps)
        .filter((step) => step.state === 'scheduled')
        .map((step) => step.id),
      reason: 'exit discarded before approval',
    },
  });
}
