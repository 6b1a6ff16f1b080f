/**
 * Planning the operator's checklist of an exit, and reading it: which tasks are due on a day,
 * which are overdue. Tasks are dated like steps (relative to the notice, the effective date or
 * the survey, in calendar or business days of the client's calendar) but are never emailed.
 * Pure; the decisions that change tasks are in `exit-tasks.ts`.
 */
import { DateTime } from 'luxon';
import { type BusinessCalendar, businessCalendar } from './calendar.js';
import type { ChecklistRules } from './checklist-rules.js';
import type { Exit, InitiatedBy, Task, TaskAnchor, TaskDue } from './exit.js';
import type { SequenceRules } from './sequence-rules.js';

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

/** The id the next added task gets: `t` and one more than the highest in use. */
export function nextTaskId(tasks: Exit['tasks'], offset = 0): string {
  const highest = Object.keys(tasks ?? {}).reduce((max, id) => {
    const n = Number(id.slice(1));
    return Number.isInteger(n) && n > max ? n : max;
  }, 0);
  return `t${highest + 1 + offset}`;
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

/** Tasks in the order they are due (then as added). */
export function orderedTasks(exit: Pick<Exit, 'tasks'>): Task[] {
  return Object.values(exit.tasks ?? {}).sort(
    (a, b) => a.dueOn.localeCompare(b.dueOn) || Number(a.id.slice(1)) - Number(b.id.slice(1)),
  );
}

/** The due dates of the open tasks, earliest first (the exits list's summary). */
export function openTaskDues(tasks: Exit['tasks']): string[] {
  return Object.values(tasks ?? {})
    .filter((task) => task.state === 'open')
    .map((task) => task.dueOn)
    .sort();
}

/** A cancelled or erased exit asks nothing more of the operator. */
function tasksCount(exit: Pick<Exit, 'status' | 'erasedAt'>): boolean {
  return exit.status !== 'cancelled' && exit.erasedAt === undefined;
}

/** The client's today (`YYYY-MM-DD`), or the day in `timezone` when given. */
export function todayOf(now: Date, timezone: string): string {
  return isoDate(DateTime.fromJSDate(now, { zone: timezone }));
}

/** Open tasks due on `day` (`YYYY-MM-DD`), in due order; none for a cancelled or erased exit. */
export function tasksDueOn(exit: Exit, day: string): Task[] {
  if (!tasksCount(exit)) return [];
  return orderedTasks(exit).filter((task) => task.state === 'open' && task.dueOn === day);
}

/**
 * Open tasks due before today, in due order; none for a cancelled or erased exit. Today is the
 * client's (their dates are), or the day in `timezone` (e.g. the operator's) when given.
 */
export function overdueTasks(exit: Exit, now: Date, timezone = exit.client.timezone): Task[] {
  if (!tasksCount(exit)) return [];
  const today = todayOf(now, timezone);
  return orderedTasks(exit).filter((task) => task.state === 'open' && task.dueOn < today);
}

/** What the exits list shows: open tasks due today and overdue, from the summary alone. */
export function taskCounts(
  exit: Pick<Exit, 'openTaskDues' | 'status' | 'erasedAt' | 'client'>,
  now: Date,
): { due: number; overdue: number } {
  if (!tasksCount(exit)) return { due: 0, overdue: 0 };
  const today = todayOf(now, exit.client.timezone);
  const dues = exit.openTaskDues ?? [];
  return {
    due: dues.filter((day) => day === today).length,
    overdue: dues.filter((day) => day < today).length,
  };
}

/**
 * A date no client's today is past yet (the day in the zone furthest ahead, UTC+14): the store
 * keeps exits whose earliest open task is before it, the list then counts per client.
 */
export function latestToday(now: Date): string {
  return todayOf(now, 'Etc/GMT-14');
}
