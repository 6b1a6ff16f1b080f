/** The console's list of exits: one row per exit, the filters, the pager. Pure. */

import { EXIT_STATUSES, type Exit, type ExitStatus, orderedSteps } from '../../domain/exit.js';
import { taskCounts } from '../../domain/task-reads.js';
import { calendarDate, clientTime, STATUS_LABELS, stepLabel } from './format.js';
import type { ConsoleShell, ExitRowView, ExitsListView } from './views.js';

/** `2 overdue, 1 due today` from the summary the list reads; null when nothing is due. */
function tasksCell(exit: Exit, now: Date): ExitRowView['tasks'] {
  const { due, overdue } = taskCounts(exit, now);
  const words = [overdue ? `${overdue} overdue` : '', due ? `${due} due today` : ''];
  const text = words.filter(Boolean).join(', ');
  return text ? { text, overdue: overdue > 0 } : null;
}

export function exitRow(exit: Exit, now: Date = new Date(0)): ExitRowView {
  const next = orderedSteps(exit).find((step) => step.state === 'scheduled');
  const zone = exit.client.timezone;
  return {
    href: `/admin/exits/${exit.id}`,
    name: exit.client.name,
    company: exit.client.company ?? null,
    effectiveOn: calendarDate(exit.effectiveOn),
    next: next ? { label: stepLabel(next), when: clientTime(next.dueAt, zone) } : null,
    started: calendarDate(exit.createdAt.slice(0, 10)),
    tasks: tasksCell(exit, now),
  };
}

/** A link to the list with these filters (and cursor); empty parameters are left out. */
export function listHref(
  status: ExitStatus,
  search: string,
  cursor?: string,
  overdue = false,
): string {
  const query = new URLSearchParams({ status });
  if (search) query.set('q', search);
  if (overdue) query.set('overdue', '1');
  if (cursor) query.set('cursor', cursor);
  return `/admin/exits?${query.toString()}`;
}

export function exitsListView(input: {
  shell: ConsoleShell;
  status: ExitStatus;
  search: string;
  exits: Exit[];
  cursor?: string;
  /** This page came after another (the request had a cursor). */
  paged: boolean;
  /** Only exits with overdue tasks (the filter); the page's rows are checked again here. */
  overdue?: boolean;
  /** Today, for the tasks due and overdue. */
  now?: Date;
}): ExitsListView {
  const { status, search } = input;
  const overdue = input.overdue ?? false;
  const now = input.now ?? new Date(0);
  const label = STATUS_LABELS[status].toLowerCase();
  const matching = `${search ? ` matching “${search}”` : ''}${overdue ? ' with overdue tasks' : ''}`;
  // The store keeps what may be overdue somewhere on earth; each client's own today decides.
  const exits = overdue
    ? input.exits.filter((exit) => taskCounts(exit, now).overdue > 0)
    : input.exits;
  return {
    shell: input.shell,
    statuses: EXIT_STATUSES.map((value) => ({
      value,
      label: STATUS_LABELS[value],
      selected: value === status,
    })),
    search,
    overdue,
    caption: `${STATUS_LABELS[status]} exits${matching}, oldest first`,
    rows: exits.map((exit) => exitRow(exit, now)),
    empty:
      input.cursor && (search || overdue)
        ? `No ${label} exits${matching} on this page; there are more to search.`
        : `No ${label} exits${matching}${input.paged ? ' on this page' : ''}.`,
    nextPage: input.cursor ? listHref(status, search, input.cursor, overdue) : null,
    firstPage: input.paged ? listHref(status, search, undefined, overdue) : null,
  };
}
