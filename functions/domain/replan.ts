/**
 * Replanning an exit for a new effective date. Pure: the change it computes is written by the
 * store in one conditional update (every step it touches must still be `scheduled`).
 */
import { DateTime } from 'luxon';
import type { Exit, Step } from './exit.js';
import { pendingSteps } from './exit.js';
import { nextCheckIn, planExit } from './plan.js';
import type { StatusChange } from './ports.js';
import type { SequenceRules } from './sequence-rules.js';

/** Steps timed from the effective date; the notice is not (it goes at once). */
const DATED = ['gratitude', 'survey', 'survey-reminder'] as const;

/**
 * The change that moves an active or paused exit to a new effective date. What went out (or
 * was skipped, or is being sent) stays as it is; the thank-you, survey and reminder still
 * scheduled move to where a fresh plan puts them (the reminder only while the survey itself is
 * still ahead: it follows the survey that was sent, not the date); the pending check-in becomes
 * the new cadence's first free one after everything else. No step that was skipped (an
 * unsubscribe stopped the check-ins) comes back.
 */
export function replanForEffectiveDate(
  exit: Exit,
  effectiveOn: string,
  now: Date,
  rules: SequenceRules,
  actor: string,
): StatusChange {
  const zone = { timezone: exit.client.timezone, country: exit.client.country };
  const plan = planExit({ now, ...zone, effectiveOn }, rules);
  const reschedule: Record<string, string> = {};
  for (const id of DATED) {
    const current = exit.steps[id];
    const planned = plan.steps[id];
    if (!current || !planned || current.state !== 'scheduled') continue;
    if (id === 'survey-reminder' && exit.steps.survey?.state !== 'scheduled') continue;
    if (planned.dueAt !== current.dueAt) reschedule[id] = planned.dueAt;
  }

  const remove: string[] = [];
  const add: Step[] = [];
  const checkIns = pendingSteps(exit).filter((step) => step.kind === 'check-in');
  if (checkIns.length > 0) {
    const others = Object.values(exit.steps)
      .filter((step) => step.kind !== 'check-in')
      .map((step) => Date.parse(reschedule[step.id] ?? step.sentAt ?? step.dueAt));
    const input = { effectiveOn, ...zone };
    let slot = nextCheckIn(input, new Date(Math.max(now.getTime(), ...others)), rules);
    // A check-in id that already went out (or was skipped) is not reused.
    while (slot && exit.steps[slot.stepId] && exit.steps[slot.stepId]?.state !== 'scheduled') {
      slot = nextCheckIn(input, new Date(slot.dueAt), rules);
    }
    for (const step of checkIns) {
      if (step.id !== slot?.stepId) remove.push(step.id);
      else if (step.dueAt !== slot.dueAt) reschedule[step.id] = slot.dueAt;
    }
    if (slot && !exit.steps[slot.stepId]) {
      add.push({
        id: slot.stepId,
        kind: 'check-in',
        dueAt: slot.dueAt,
        state: 'scheduled',
        attempts: 0,
      });
    }
  }

  const at = now.toISOString();
  const moved = Object.keys(reschedule).length + remove.length + add.length;
  // Once the client was told a date, a new one is theirs to know: a transactional email, due now.
  const told = exit.steps.notice?.state === 'sent';
  if (told) {
    const count = Object.values(exit.steps).filter((s) => s.kind === 'date-change').length;
    add.push({
      id: `date-change-${count + 1}`,
      kind: 'date-change',
      dueAt: at,
      state: 'scheduled',
      attempts: 0,
      previousEffectiveOn: exit.effectiveOn,
    });
  }
  return {
    from: [exit.status],
    to: exit.status,
    at,
    effectiveOn: plan.effectiveOn,
    reschedule,
    remove,
    add,
    entry: {
      at,
      event: 'exit.replanned',
      detail: `Effective date changed from ${inWords(exit.effectiveOn)} to ${inWords(plan.effectiveOn)} from the ${actor}; ${moved} planned step(s) moved${told ? '; the client is told the new date' : ''}.`,
    },
  };
}

/** A calendar date as people write it ("Friday 29 January 2027"), not as it is stored. */
function inWords(isoDate: string): string {
  const date = DateTime.fromISO(isoDate, { locale: 'en-GB' });
  return date.isValid ? date.toFormat('cccc d LLLL yyyy') : isoDate;
}
