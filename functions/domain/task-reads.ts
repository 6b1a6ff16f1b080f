/**
 * Reading the operator's checklist of an exit: in due order, which tasks are due on a day, which
 * are overdue, the summary the exits list counts from. Pure, and free of the calendar and its
 * holidays (planning is `checklist.ts`), so the console and the digest stay light.
 */
import { DateTime } from 'luxon';
import type { Exit, Task } from './exit.js';

function isoDate(day: DateTime): string {
  const date = day.toISODate();
  if (!date) throw new RangeError(`Invalid date: ${day.invalidExplanation ?? ''}`);
  return date;
}

/** The id the next added task gets: `t` and one more than the highest in use. */
export function nextTaskId(tasks: Exit['tasks'], offset = 0): string {
  const highest = Object.keys(tasks ?? {}).reduce((max, id) => {
    const n = Number(id.slice(1));
    return Number.isInteger(n) && n > max ? n : max;
  }, 0);
  return `t${highest + 1 + offset}`;
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
