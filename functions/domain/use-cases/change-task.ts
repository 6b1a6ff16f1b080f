import { TASK_LIMITS } from '../checklist-rules.js';
import { NotFoundError, StateConflictError, ValidationError } from '../errors.js';
import type { Exit } from '../exit.js';
import {
  changeTask,
  findTask,
  type TaskAction,
  type TaskActor,
  type TaskReference,
} from '../exit-tasks.js';
import { writeExitChange } from '../exit-writes.js';
import type { Clock, EventLog, ExitStore } from '../ports.js';
import { type ControlExitsResult, type ExitReference, forEachReferenced } from './exit-controls.js';

export interface TaskDeps {
  store: ExitStore;
  clock: Clock;
  log: EventLog;
}

export interface TaskResult {
  exitId: string;
  /** The task the change was about; absent for an add that found the task already there. */
  taskId?: string;
  /** False when the checklist already was as asked (the call is idempotent). */
  changed: boolean;
  exit: Exit;
}

/**
 * Changes the operator's checklist of an exit (tick, untick, note, add, not needed):
 * 1. Load the exit and decide the change (`changeTask`).
 * 2. Write it in one conditional update guarded by the tasks' revision, deciding again from a
 *    fresh read when another change got there first (two ticks at once both land).
 * An unknown exit or task is a `NotFoundError`, an erased exit a `StateConflictError`, a full
 * checklist a `ValidationError` on `title`.
 */
export async function changeExitTask(
  deps: TaskDeps,
  exitId: string,
  action: TaskAction,
  actor: TaskActor,
): Promise<TaskResult> {
  const written = await writeExitChange(
    deps.store,
    exitId,
    (exit) => changeTask(exit, action, deps.clock.now().toISOString(), actor),
    { write: (change, exit) => deps.store.writeTasks(exit.id, change) },
  );
  if (written.outcome === 'missing') throw new NotFoundError(`No exit ${exitId}`);
  if (written.outcome === 'refused') {
    if (written.reason === 'no-such-task') throw new NotFoundError('No such task on this exit.');
    if (written.reason === 'too-many-tasks') {
      throw new ValidationError([
        { field: 'title', message: `an exit holds at most ${TASK_LIMITS.perExit} tasks` },
      ]);
    }
    throw new StateConflictError('An erased exit keeps no checklist');
  }
  if (written.outcome === 'unchanged') {
    return {
      exitId,
      ...('taskId' in action ? { taskId: action.taskId } : {}),
      changed: false,
      exit: written.exit,
    };
  }
  deps.log.info('exit task changed', { exitId, action: action.kind });
  return { exitId, taskId: written.change.put[0]?.id, changed: true, exit: written.after };
}

/**
 * A webhook's `exit.task.completed`:
 * 1. Resolve the exit reference (see `forEachReferenced`).
 * 2. On each exit, find the task by id or title (`findTask`) and tick it (`changeExitTask`); an
 *    exit without such a task is left as it is (`changed: false`).
 * When no exit named has the task, a `NotFoundError`: the reference is wrong, not late.
 */
export async function completeTasks(
  deps: TaskDeps,
  reference: ExitReference,
  task: TaskReference,
): Promise<ControlExitsResult> {
  let found = 0;
  const result = await forEachReferenced(deps.store, reference, async (exitId) => {
    const exit = await deps.store.get(exitId);
    if (!exit) throw new NotFoundError(`No exit ${exitId}`);
    const named = findTask(exit, task);
    if (!named) return { exitId, status: exit.status, changed: false };
    found += 1;
    const ticked = await changeExitTask(
      deps,
      exitId,
      { kind: 'tick', taskId: named.id },
      'webhook',
    );
    return { exitId, status: ticked.exit.status, changed: ticked.changed };
  });
  if (result.outcome === 'applied' && found === 0) {
    throw new NotFoundError('No task on the exit matches that reference.');
  }
  return result;
}
