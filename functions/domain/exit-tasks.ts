/**
 * What may happen to the operator's checklist of an exit: tick, untick, note, add, mark not
 * needed. Each decides from the exit as read the tasks to rewrite (`TaskWrite`), written in one
 * conditional update guarded by the tasks' revision; `unchanged` when the exit already is as
 * asked; a refusal when it cannot be. Pure, in the style of `exit-changes.ts`.
 */

import { TASK_LIMITS } from './checklist-rules.js';
import type { Exit, Task, TaskState } from './exit.js';
import { type Decision, refuse, UNCHANGED, write } from './exit-changes.js';
import type { TaskWrite } from './ports.js';
import { nextTaskId, openTaskDues } from './task-reads.js';

/** Why a checklist change cannot be made. */
export type TaskRefusal = 'erased' | 'no-such-task' | 'too-many-tasks';

/** Who changed the checklist, for the timeline. */
export type TaskActor = 'console' | 'webhook' | 'cli';

/** What an operator can do to one task. */
export type TaskAction =
  | { kind: 'tick'; taskId: string }
  | { kind: 'untick'; taskId: string }
  | { kind: 'not-needed'; taskId: string }
  | { kind: 'note'; taskId: string; note: string }
  | { kind: 'add'; title: string; dueOn: string; note?: string };

/** The write that puts `tasks` over the exit's own, recorded by `entry`. */
function taskWrite(exit: Exit, tasks: Task[], entry: TaskWrite['entry']): TaskWrite {
  const after = { ...exit.tasks, ...Object.fromEntries(tasks.map((t) => [t.id, t])) };
  return {
    revision: exit.taskRevision ?? 0,
    put: tasks,
    openTaskDues: openTaskDues(after),
    ...(exit.tasks === undefined ? { first: true } : {}),
    entry,
  };
}

/** The task's title as the timeline quotes it. */
function quoted(task: Pick<Task, 'title'>): string {
  return `"${task.title}"`;
}

const CLOSED_WORDS: Record<Exclude<TaskState, 'open'>, { event: string; words: string }> = {
  done: { event: 'task.done', words: 'ticked off' },
  'not-needed': { event: 'task.not-needed', words: 'marked not needed' },
};

function close(
  exit: Exit,
  task: Task,
  state: Exclude<TaskState, 'open'>,
  at: string,
  actor: TaskActor,
): Decision<TaskWrite, TaskRefusal> {
  if (task.state === state) return UNCHANGED;
  const { event, words } = CLOSED_WORDS[state];
  return write(
    taskWrite(exit, [{ ...task, state, closedAt: at }], {
      at,
      event,
      detail: `${quoted(task)} ${words} from the ${actor}.`,
    }),
  );
}

function reopen(exit: Exit, task: Task, at: string, actor: TaskActor) {
  if (task.state === 'open') return UNCHANGED;
  const { closedAt: _closed, ...open } = task;
  return write(
    taskWrite(exit, [{ ...open, state: 'open' }], {
      at,
      event: 'task.reopened',
      detail: `${quoted(task)} opened again from the ${actor}.`,
    }),
  );
}

function annotate(exit: Exit, task: Task, note: string, at: string, actor: TaskActor) {
  const text = note.trim();
  if ((task.note ?? '') === text) return UNCHANGED;
  const { note: _old, ...rest } = task;
  return write(
    taskWrite(exit, [text ? { ...rest, note: text } : rest], {
      at,
      event: 'task.noted',
      detail: `${text ? 'Note on' : 'Note removed from'} ${quoted(task)} from the ${actor}.`,
    }),
  );
}

/**
 * Adds a task due on `dueOn`. The same title already open on the same day changes nothing (a
 * double submit, a replayed webhook); past `TASK_LIMITS.perExit` tasks it is refused.
 */
function add(
  exit: Exit,
  action: Extract<TaskAction, { kind: 'add' }>,
  at: string,
  actor: TaskActor,
): Decision<TaskWrite, TaskRefusal> {
  const tasks = Object.values(exit.tasks ?? {});
  const title = action.title.trim();
  const same = tasks.some(
    (t) => t.state === 'open' && t.dueOn === action.dueOn && t.title === title,
  );
  if (same) return UNCHANGED;
  if (tasks.length >= TASK_LIMITS.perExit) return refuse('too-many-tasks');
  const note = action.note?.trim();
  const task: Task = {
    id: nextTaskId(exit.tasks),
    title,
    ...(note ? { note } : {}),
    dueOn: action.dueOn,
    state: 'open',
    addedBy: actor === 'webhook' ? 'webhook' : 'console',
    addedAt: at,
  };
  return write(
    taskWrite(exit, [task], {
      at,
      event: 'task.added',
      detail: `${quoted(task)} added from the ${actor}, due ${task.dueOn}.`,
    }),
  );
}

/** Decides one checklist action on the exit as read. An erased exit refuses every one. */
export function changeTask(
  exit: Exit,
  action: TaskAction,
  at: string,
  actor: TaskActor,
): Decision<TaskWrite, TaskRefusal> {
  if (exit.erasedAt) return refuse('erased');
  if (action.kind === 'add') return add(exit, action, at, actor);
  const task = exit.tasks?.[action.taskId];
  if (!task) return refuse('no-such-task');
  if (action.kind === 'tick') return close(exit, task, 'done', at, actor);
  if (action.kind === 'not-needed') return close(exit, task, 'not-needed', at, actor);
  if (action.kind === 'untick') return reopen(exit, task, at, actor);
  return annotate(exit, task, action.note, at, actor);
}

/** How a webhook names a task: by its id, or by its title (ignoring case and outer spaces). */
export type TaskReference = { taskId: string } | { title: string };

/**
 * The task a reference names: the id itself, or the first task (in id order) whose title
 * matches, an open one before a closed one.
 */
export function findTask(exit: Exit, reference: TaskReference): Task | undefined {
  if ('taskId' in reference) return exit.tasks?.[reference.taskId];
  const title = reference.title.trim().toLowerCase();
  const matches = Object.values(exit.tasks ?? {})
    .filter((task) => task.title.toLowerCase() === title)
    .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  return matches.find((task) => task.state === 'open') ?? matches[0];
}
