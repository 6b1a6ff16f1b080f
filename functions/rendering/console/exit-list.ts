/** The console's list of exits: one row per exit, the filters, the pager. Pure. */
import { EXIT_STATUSES, type Exit, type ExitStatus, orderedSteps } from '../../domain/exit.js';
import { calendarDate, clientTime, STATUS_LABELS, stepLabel } from './format.js';
import type { ConsoleShell, ExitRowView, ExitsListView } from './views.js';

export function exitRow(exit: Exit): ExitRowView {
  const next = orderedSteps(exit).find((step) => step.state === 'scheduled');
  const zone = exit.client.timezone;
  return {
    href: `/admin/exits/${exit.id}`,
    name: exit.client.name,
    company: exit.client.company ?? null,
    effectiveOn: calendarDate(exit.effectiveOn),
    next: next ? { label: stepLabel(next), when: clientTime(next.dueAt, zone) } : null,
    started: calendarDate(exit.createdAt.slice(0, 10)),
  };
}

/** A link to the list with these filters (and cursor); empty parameters are left out. */
export function listHref(status: ExitStatus, search: string, cursor?: string): string {
  const query = new URLSearchParams({ status });
  if (search) query.set('q', search);
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
}): ExitsListView {
  const { status, search, exits } = input;
  const label = STATUS_LABELS[status].toLowerCase();
  const matching = search ? ` matching “${search}”` : '';
  return {
    shell: input.shell,
    statuses: EXIT_STATUSES.map((value) => ({
      value,
      label: STATUS_LABELS[value],
      selected: value === status,
    })),
    search,
    caption: `${STATUS_LABELS[status]} exits${matching}, oldest first`,
    rows: exits.map(exitRow),
    empty:
      input.cursor && search
        ? `No ${label} exits${matching} on this page; there are more to search.`
        : `No ${label} exits${matching}${input.paged ? ' on this page' : ''}.`,
    nextPage: input.cursor ? listHref(status, search, input.cursor) : null,
    firstPage: input.paged ? listHref(status, search) : null,
  };
}
