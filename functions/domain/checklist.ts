/**
 * Planning the operator's checklist of an exit, and reading it: which tasks are due on a day,
 * which are overdue. Tasks are dated like steps (relative to the notice, the effective date or
 * the survey, in calendar or business days of the client's calendar) but are never emailed.
 * Pure; the decisions that change tasks are in `exit-tasks.ts`, the reads in `task-reads.ts`.
 */
import { DateTime } from 'luxon';
import { type BusinessCalendar, businessCalendar } from './calendar.js';
import type { ChecklistRules } from './checklist-rules.js';
import type { Exit, InitiatedBy, Task, TaskAnchor, TaskDue } from './exit.js';
import type { SequenceRules } from './sequence-rules.js';

// The reads live apart (no calendar, no holidays in their bundles); importable from here too.
export {
  latestToday,
  nextTaskId,
  openTaskDues,
  orderedTasks,
  overdueTasks,
  taskCounts,
  tasksDueOn,
  todayOf,
} from './task-reads.js';

/** What the dates of a checklist are computed from. */
export interface TaskPlanInput {
  /** When the exit started (UTC ISO): the notice goes out then. */
  createdAt: string;
  /** `YYYY-MM-DD` in the client's zone. */
  effectiveOn: string;
  timezone: string;
  country?: string;
}

function localDay(iso: string, timezone: string): DateTime {
  const day = DateTime.fromISO(iso, { zone: timezone });
  if (!day.isValid) throw new RangeError(`Invalid date ${iso} in ${timezone}`);
  return day.startOf('day');
}

function isoDate(day: DateTime): string {
  const date = day.toISODate();
  if (!date) throw new RangeError(`Invalid date: ${day.invalidExplanation ?? ''}`);
  return date;
}

/**
 * The anchor days: the notice's (the day the exit started), the effective date, and the
 * survey's (so many business days after the effective date, as the sequence plans it).
 */
function anchors(
  input: TaskPlanInput,
  calendar: BusinessCalendar,
  rules: SequenceRules,
): Record<TaskAnchor, DateTime> {
  const effective = localDay(input.effectiveOn, input.timezone);
  return {
    notice: localDay(input.createdAt, input.timezone),
    effective,
    survey: calendar.addBusinessDays(effective, rules.survey.businessDaysAfterEffective),
  };
}

/** The `count`-th business day before `day` (`count` ≥ 1). */
function businessDaysBefore(calendar: BusinessCalendar, day: DateTime, count: number): DateTime {
  let candidate = day;
  for (let taken = 0; taken < count; ) {
    candidate = candidate.minus({ days: 1 });
    if (calendar.isBusinessDay(candidate)) taken += 1;
  }
  return candidate;
}

/**
 * The day a rule puts a task on. Calendar days land where they land; business days count the
 * client's business days from the anchor (0: the anchor itself, or the next business day when
 * it is not one).
 */
function dueDay(due: TaskDue, from: DateTime, calendar: BusinessCalendar): DateTime {
  if (due.businessDays === undefined) return from.plus({ days: due.days ?? 0 });
  if (due.businessDays >= 0) {
    return calendar.addBusinessDays(calendar.nextBusinessDay(from), due.businessDays);
  }
  return businessDaysBefore(calendar, from, -due.businessDays);
}

/** The due date (`YYYY-MM-DD`, client's zone) of each rule, for one exit. */
export function dueDates(
  input: TaskPlanInput,
  dues: readonly TaskDue[],
  rules: SequenceRules,
): string[] {
  const calendar = businessCalendar(rules, input.country);
  const days = anchors(input, calendar, rules);
  return dues.map((due) => isoDate(dueDay(due, days[due.from], calendar)));
}

/**
 * Plans the checklist of a new exit: the list for whoever started it (`initiatedBy`), each task
 * due where its rule puts it, ids `t1`, `t2`… in the list's order.
 */
export function planTasks(
  input: TaskPlanInput & { initiatedBy: InitiatedBy },
  checklist: ChecklistRules,
  rules: SequenceRules,
): Record<string, Task> {
  const list = checklist[input.initiatedBy];
  const dates = dueDates(
    input,
    list.map((task) => task.due),
    rules,
  );
  return Object.fromEntries(
    list.map((task, i): [string, Task] => {
      const id = `t${i + 1}`;
      return [
        id,
        {
          id,
          title: task.title,
          ...(task.hint ? { hint: task.hint } : {}),
          dueOn: dates[i] ?? input.effectiveOn,
          due: { ...task.due },
          state: 'open',
          addedBy: 'checklist',
          addedAt: input.createdAt,
        },
      ];
    }),
  );
}

/**
 * The open planned tasks whose date a new effective date moves, each with its new date. Tasks
 * timed from the notice stay; done or not-needed tasks and tasks added by hand keep theirs.
 */
export function movedTasks(
  exit: Pick<Exit, 'tasks' | 'createdAt' | 'client'>,
  effectiveOn: string,
  rules: SequenceRules,
): Task[] {
  const open = Object.values(exit.tasks ?? {}).filter(
    (task) => task.state === 'open' && task.due !== undefined && task.due.from !== 'notice',
  );
  const input = {
    createdAt: exit.createdAt,
    effectiveOn,
    timezone: exit.client.timezone,
    ...(exit.client.country ? { country: exit.client.country } : {}),
  };
  const dates = dueDates(
    input,
    open.map((task) => task.due as TaskDue),
    rules,
  );
  return open
    .map((task, i) => ({ ...task, dueOn: dates[i] ?? task.dueOn }))
    .filter((task, i) => task.dueOn !== open[i]?.dueOn);
}
