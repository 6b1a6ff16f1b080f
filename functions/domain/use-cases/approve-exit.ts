import type { Exit } from '../exit.js';
import { approve, discard, personalNoteOf } from '../exit-approval.js';
import { deleteSchedules } from '../exit-writes.js';
import type { EmailRenderer, RenderedEmail } from '../ports.js';
import {
  type Actor,
  type ControlResult,
  type ExitControlDeps,
  settleSchedules,
  writeControl,
} from './exit-controls.js';

/**
 * Approves the notice of an exit that waits for approval:
 * 1. Normalise the personal paragraph (`personalNoteOf`; too long is a `ValidationError`).
 * 2. Decide the approval from a fresh read (`approve`: the plan starts now, the notice period
 *    kept) and write it in one conditional update, only while the exit still waits, so two
 *    approvals at once make one plan and one notice.
 * 3. Create the schedules of every pending step. An exit already approved and active settles its
 *    schedules again, so a retry after a failed schedule call finishes the job.
 */
export async function approveExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
  personalNote?: string,
): Promise<ControlResult> {
  const note = personalNoteOf(personalNote);
  const { result, after, unchanged } = await writeControl(deps, exitId, (exit) =>
    approve(exit, deps.clock.now(), deps.rules, actor, note),
  );
  if (after || unchanged?.status === 'active') await settleSchedules(deps, exitId);
  return result;
}

/**
 * Discards an exit that waits for approval: it is cancelled, nothing having been sent or
 * scheduled. Schedules are deleted anyway (best effort), in case an approval raced it.
 */
export async function discardExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
): Promise<ControlResult> {
  const at = deps.clock.now().toISOString();
  const { result, before } = await writeControl(deps, exitId, (exit) => discard(exit, at, actor));
  if (before) {
    const ids = Object.keys(before.steps);
    await deleteSchedules(deps, exitId, ids, 'a discard');
  }
  return result;
}

/**
 * The notice of an exit that awaits approval, rendered as the client would receive it now (the
 * preview of `preview-exit.ts`, for a stored exit); undefined for any other exit.
 */
export function noticeAwaitingApproval(
  renderer: EmailRenderer,
  exit: Exit,
): RenderedEmail | undefined {
  const notice = exit.steps.notice;
  if (exit.status !== 'awaiting-approval' || !notice) return undefined;
  return renderer.render(exit, notice);
}
