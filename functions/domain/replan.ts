/**
 * Replanning an exit: for a new effective date, and when a paused exit resumes. Pure: the change
 * it computes is written by the store in one conditional update (every step it touches must
 * still be `scheduled`).
 */
import { DateTime } from 'luxon';
import type { Exit, Step } from './exit.js';
import { checkInInput, pendingSteps } from './exit.js';
import { nextCheckIn, nextSendSlot, planExit } from './plan.js';
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

/**
 * How a paused exit picks up again. Steps still ahead keep their time. A notice, gratitude,
 * survey or reminder that fell due while paused goes at the next business-day send hour (a
 * pending survey still goes; the reminder keeps its distance after it). A check-in that fell due
 * is not sent late: it is skipped and the next one in the cadence after now is planned.
 */
export function resumePlan(exit: Exit, now: Date, rules: SequenceRules): StatusChange {
  const reschedule: Record<string, string> = {};
  const skipped: string[] = [];
  const add: Step[] = [];
  const at = now.toISOString();
  const country = exit.client.country;
  let floor = now.getTime();
  for (const step of pendingSteps(exit)) {
    const due = Date.parse(step.dueAt);
    if (step.kind === 'check-in') {
      if (due > now.getTime()) continue;
      skipped.push(step.id);
      const next = nextCheckIn(checkInInput(exit), now, rules);
      if (next && !exit.steps[next.stepId]) {
        add.push({
          id: next.stepId,
          kind: 'check-in',
          dueAt: next.dueAt,
          state: 'scheduled',
          attempts: 0,
        });
      }
      continue;
    }
    let wanted = due;
    if (step.kind === 'survey-reminder' && exit.steps.survey) {
      // Keep the reminder its distance after a moved survey, on a business day at the send hour.
      const surveyDue = reschedule.survey ?? exit.steps.survey.dueAt;
      const day = DateTime.fromISO(surveyDue, { zone: exit.client.timezone }).plus({
        days: rules.reminder.daysAfterSurvey,
      });
      const slot = nextSendSlot(new Date(day.toMillis() - 1), exit.client.timezone, country, rules);
      wanted = Math.max(due, Date.parse(slot));
    }
    if (wanted <= floor) {
      wanted = Date.parse(nextSendSlot(new Date(floor), exit.client.timezone, country, rules));
    }
    if (wanted !== due) reschedule[step.id] = new Date(wanted).toISOString().replace('.000Z', 'Z');
    floor = Math.max(floor, wanted);
  }
  return {
    from: ['paused'],
    to: 'active',
    at,
    entry: { at, event: 'exit.resumed', detail: 'Resumed; steps due while paused were replanned.' },
    reschedule,
    ...(skipped.length > 0 ? { skip: { stepIds: skipped, reason: 'missed while paused' } } : {}),
    add,
  };
}
