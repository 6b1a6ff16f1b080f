/** `POST /admin/exits/{id}/tasks`: one change of the exit's checklist, then back to its page. */

import { TASK_LIMITS } from '../../domain/checklist-rules.js';
import { ValidationError } from '../../domain/errors.js';
import { DATE_MESSAGE, isPlausibleDate } from '../../domain/exit-request.js';
import type { TaskAction } from '../../domain/exit-tasks.js';
import { changeExitTask } from '../../domain/use-cases/change-task.js';
import type { HttpResponse } from '../http/responses.js';
import type { Signed } from './context.js';
import { redirect } from './pages.js';
import { readConsoleForm } from './read-form.js';

/** The path the checklist's forms post to (and their token is bound to). */
export function tasksPath(exitId: string): string {
  return `/admin/exits/${exitId}/tasks`;
}

const TASK_ID = /^t[1-9]\d{0,3}$/;
const ON_TASK = ['tick', 'untick', 'not-needed', 'note'] as const;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A form sends line breaks as CRLF; the exit keeps LF, as every other source gives it. */
function lines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function problem(field: string, message: string): never {
  throw new ValidationError([{ field, message }]);
}

/** The action a checklist form asks for, or a `ValidationError` naming the bad field. */
export function taskActionOf(fields: Record<string, string>): TaskAction {
  const kind = fields.do ?? '';
  if (kind === 'add') {
    const title = (fields.title ?? '').trim();
    const dueOn = (fields.dueOn ?? '').trim();
    const note = lines(fields.note ?? '').trim();
    if (!title || title.length > TASK_LIMITS.title || CONTROL.test(title)) {
      problem('title', `must be a single line of 1 to ${TASK_LIMITS.title} characters`);
    }
    if (!isPlausibleDate(dueOn)) problem('dueOn', DATE_MESSAGE);
    if (note.length > TASK_LIMITS.note || CONTROL_BUT_LINES.test(note)) {
      problem('note', `must be at most ${TASK_LIMITS.note} characters of text`);
    }
    return { kind, title, dueOn, ...(note ? { note } : {}) };
  }
  const taskId = fields.task ?? '';
  if (!TASK_ID.test(taskId)) problem('task', 'is not a task of this exit');
  if (kind === 'note') {
    const note = lines(fields.note ?? '');
    if (note.trim().length > TASK_LIMITS.note || CONTROL_BUT_LINES.test(note)) {
      problem('note', `must be at most ${TASK_LIMITS.note} characters of text`);
    }
    return { kind, taskId, note };
  }
  const known = ON_TASK.find((action) => action === kind);
  if (!known || known === 'note')
    return problem('do', 'must be tick, untick, not-needed, note or add');
  return { kind: known, taskId };
}

/** `?done=` of each change, for the flash line (see `flash.ts`). */
const DONE: Record<TaskAction['kind'], string> = {
  tick: 'task-done',
  untick: 'task-reopened',
  'not-needed': 'task-not-needed',
  note: 'task-noted',
  add: 'task-added',
};

export async function postExitTask(ctx: Signed, exitId: string): Promise<HttpResponse> {
  const form = readConsoleForm(ctx, tasksPath(exitId));
  if (!form.ok) return form.response;
  const action = taskActionOf(form.fields);
  const result = await changeExitTask(ctx.deps, exitId, action, 'console');
  const done = result.changed ? DONE[action.kind] : 'unchanged';
  const anchor = result.taskId ? `#task-${result.taskId}` : '#checklist-title';
  return redirect(`/admin/exits/${exitId}?done=${done}${anchor}`);
}
