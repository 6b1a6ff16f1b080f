/** The exit page's checklist section: the view of the operator's tasks. Pure. */

import type { Exit, Task, TaskState } from '../../domain/exit.js';
import { orderedTasks, todayOf } from '../../domain/task-reads.js';
import { calendarDate } from './format.js';
import type { ChecklistTaskView, ChecklistView, FormView } from './views.js';

const TASK_STATE_LABELS: Record<TaskState, string> = {
  open: 'To do',
  done: 'Done',
  'not-needed': 'Not needed',
};

function taskView(task: Task, today: string, editable: boolean): ChecklistTaskView {
  const open = task.state === 'open';
  const urgency = !open ? '' : task.dueOn < today ? 'overdue' : task.dueOn === today ? 'due' : '';
  return {
    id: task.id,
    title: task.title,
    hint: task.hint ?? null,
    due: calendarDate(task.dueOn),
    urgency,
    urgencyLabel: urgency === 'overdue' ? 'Overdue' : urgency === 'due' ? 'Due today' : null,
    state: task.state,
    stateLabel: TASK_STATE_LABELS[task.state],
    done: task.state === 'done',
    note: task.note ?? null,
    toggle: open ? { value: 'tick', label: 'Mark done' } : { value: 'untick', label: 'Reopen' },
    notNeeded: editable && open,
  };
}

/** Counts in words, e.g. `5 to do (1 overdue, 2 due today), 3 done or not needed`. */
function summaryOf(tasks: ChecklistTaskView[]): string {
  if (tasks.length === 0) return 'No tasks yet.';
  const open = tasks.filter((t) => t.state === 'open');
  const overdue = open.filter((t) => t.urgency === 'overdue').length;
  const due = open.filter((t) => t.urgency === 'due').length;
  const urgent = [overdue ? `${overdue} overdue` : '', due ? `${due} due today` : '']
    .filter(Boolean)
    .join(', ');
  const closed = tasks.length - open.length;
  return `${open.length} to do${urgent ? ` (${urgent})` : ''}, ${closed} done or not needed.`;
}

/**
 * The checklist of an exit, dated in the client's zone (as its tasks are). `form` posts every
 * change; an erased exit shows its tasks without it.
 */
export function checklistView(exit: Exit, now: Date, form: FormView): ChecklistView {
  const editable = exit.erasedAt === undefined;
  const today = todayOf(now, exit.client.timezone);
  const tasks = orderedTasks(exit).map((task) => taskView(task, today, editable));
  return {
    summary: summaryOf(tasks),
    tasks,
    form: editable ? form : null,
    addDue: exit.effectiveOn,
  };
}
