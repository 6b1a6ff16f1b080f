/** The approval section of a console exit page: the notice as rendered, and the two forms. Pure. */
import type { Exit } from '../../domain/exit.js';
import { MAX_PERSONAL_NOTE, noticePeriodDays } from '../../domain/exit-approval.js';
import type { RenderedEmail } from '../../domain/ports.js';
import type { ApprovalView, FormView } from './views.js';

export interface ApprovalForms {
  approve: FormView;
  discard: FormView;
}

/** The section while the exit awaits approval, else null. */
export function approvalView(
  exit: Exit,
  notice: RenderedEmail | undefined,
  forms: ApprovalForms,
): ApprovalView | null {
  if (exit.status !== 'awaiting-approval' || !notice) return null;
  const days = noticePeriodDays(exit);
  return {
    subject: notice.subject,
    text: notice.text,
    noticePeriod: days === 1 ? '1 day' : `${days} days`,
    maxNote: MAX_PERSONAL_NOTE,
    approve: forms.approve,
    discard: forms.discard,
  };
}
