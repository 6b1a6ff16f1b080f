/** The console's approval of a waiting exit: its section on the exit page, Approve and Discard. */
import type { Exit } from '../../domain/exit.js';
import {
  approveExit,
  discardExit,
  noticeAwaitingApproval,
} from '../../domain/use-cases/approve-exit.js';
import { approvalView } from '../../rendering/console/exit-approval.js';
import type { ApprovalView } from '../../rendering/console/views.js';
import type { HttpResponse } from '../http/responses.js';
import type { Signed } from './context.js';
import { formFor } from './form-token.js';
import { redirect } from './pages.js';
import { readConsoleForm } from './read-form.js';

/** The approval section of the exit page, or null when the exit does not wait for approval. */
export function approvalSection(ctx: Signed, exit: Exit): ApprovalView | null {
  const base = `/admin/exits/${exit.id}`;
  return approvalView(exit, noticeAwaitingApproval(ctx.deps.notices, exit), {
    approve: formFor(ctx, `${base}/approve`),
    discard: formFor(ctx, `${base}/discard`),
  });
}

/** `POST /admin/exits/{id}/approve` and `…/discard`: one use case each, then back to the page. */
export async function postApproval(
  ctx: Signed,
  exitId: string,
  action: 'approve' | 'discard',
): Promise<HttpResponse> {
  const form = readConsoleForm(ctx, `/admin/exits/${exitId}/${action}`);
  if (!form.ok) return form.response;
  const result =
    action === 'approve'
      ? await approveExit(ctx.deps.controls, exitId, 'console', form.fields.personalNote)
      : await discardExit(ctx.deps.controls, exitId, 'console');
  const done = result.changed ? (action === 'approve' ? 'approved' : 'discarded') : 'unchanged';
  return redirect(`/admin/exits/${exitId}?done=${done}`);
}
