import { NotFoundError } from '../../domain/errors.js';
import { EXIT_STATUSES, type ExitStatus } from '../../domain/exit.js';
import { latestToday } from '../../domain/task-reads.js';
import { changeEffectiveDate } from '../../domain/use-cases/change-effective-date.js';
import { eraseExit } from '../../domain/use-cases/erase-exit.js';
import { type ControlAction, controlExit } from '../../domain/use-cases/exit-controls.js';
import { sendStepNow } from '../../domain/use-cases/send-now.js';
import { exitsListView } from '../../rendering/console/exit-list.js';
import { exitPageView } from '../../rendering/console/exit-page.js';
import type { HttpResponse } from '../http/responses.js';
import { approvalSection } from './approval.js';
import type { Signed } from './context.js';
import { tasksPath } from './exit-tasks.js';
import { formFor } from './form-token.js';
import { consolePage, redirect } from './pages.js';
import { readConsoleForm } from './read-form.js';
import { shellView } from './shell.js';

const PAGE_SIZE = 25;
const MAX_SEARCH = 100;

/** `GET /admin/exits`: one status at a time, optionally searched, a page at a time. */
export async function listExits(ctx: Signed): Promise<HttpResponse> {
  const query = ctx.event.queryStringParameters ?? {};
  const status = EXIT_STATUSES.includes(query.status as ExitStatus)
    ? (query.status as ExitStatus)
    : 'active';
  const search = (query.q ?? '').trim().slice(0, MAX_SEARCH);
  const cursor = query.cursor && query.cursor.length <= 2048 ? query.cursor : undefined;
  const overdue = query.overdue === '1';
  const now = ctx.deps.clock.now();
  const page = await ctx.deps.store.listByStatus(status, {
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(search ? { search } : {}),
    ...(overdue ? { overdueBefore: latestToday(now) } : {}),
  });
  const view = exitsListView({
    shell: shellView(ctx, 'exits'),
    status,
    search,
    exits: page.exits,
    ...(page.cursor ? { cursor: page.cursor } : {}),
    paged: cursor !== undefined,
    overdue,
    now,
  });
  return consolePage(ctx.deps, 200, 'console/exits', 'Exits', view);
}

async function exitOrThrow(ctx: Signed, exitId: string) {
  const exit = await ctx.deps.store.get(exitId);
  if (!exit) throw new NotFoundError(`No exit ${exitId}`);
  return exit;
}

/** `GET /admin/exits/{id}`: everything about one exit, and what can be done with it. */
export async function showExit(ctx: Signed, exitId: string): Promise<HttpResponse> {
  const exit = await exitOrThrow(ctx, exitId);
  const base = `/admin/exits/${exitId}`;
  const view = exitPageView(
    exit,
    shellView(ctx, null),
    {
      pause: formFor(ctx, `${base}/pause`),
      resume: formFor(ctx, `${base}/resume`),
      cancel: formFor(ctx, `${base}/cancel`),
      sendNow: formFor(ctx, `${base}/send-now`),
      effectiveDate: formFor(ctx, `${base}/effective-date`),
      tasks: formFor(ctx, tasksPath(exitId)),
    },
    ctx.deps.clock.now(),
    approvalSection(ctx, exit),
  );
  return consolePage(ctx.deps, 200, 'console/exit', exit.client.name, view);
}

/** `GET /admin/exits/{id}/erase`: what erasing removes and keeps, and the button. */
export async function confirmErase(ctx: Signed, exitId: string): Promise<HttpResponse> {
  const exit = await exitOrThrow(ctx, exitId);
  if (exit.erasedAt) return redirect(`/admin/exits/${exitId}`);
  return consolePage(ctx.deps, 200, 'console/exit-erase', 'Erase personal data', {
    shell: shellView(ctx, null),
    name: exit.client.name,
    exitHref: `/admin/exits/${exitId}`,
    running: exit.status === 'active' || exit.status === 'paused',
    form: formFor(ctx, `/admin/exits/${exitId}/erase`),
  });
}

/** `GET /admin/exits/{id}/cancel`: what cancelling does, and the button (as erase asks first). */
export async function confirmCancel(ctx: Signed, exitId: string): Promise<HttpResponse> {
  const exit = await exitOrThrow(ctx, exitId);
  if (exit.status !== 'active' && exit.status !== 'paused') {
    return redirect(`/admin/exits/${exitId}`);
  }
  return consolePage(ctx.deps, 200, 'console/exit-cancel', 'Cancel the exit', {
    shell: shellView(ctx, null),
    name: exit.client.name,
    exitHref: `/admin/exits/${exitId}`,
    form: formFor(ctx, `/admin/exits/${exitId}/cancel`),
  });
}

export const EXIT_ACTIONS = [
  'cancel',
  'pause',
  'resume',
  'send-now',
  'effective-date',
  'erase',
] as const;
export type ExitAction = (typeof EXIT_ACTIONS)[number];

const CONTROL_DONE: Record<ControlAction, string> = {
  cancel: 'cancelled',
  pause: 'paused',
  resume: 'resumed',
};

/** `POST /admin/exits/{id}/{action}`: one use case each, then back to the exit's page. */
export async function postExitAction(
  ctx: Signed,
  exitId: string,
  action: ExitAction,
): Promise<HttpResponse> {
  const form = readConsoleForm(ctx, `/admin/exits/${exitId}/${action}`);
  if (!form.ok) return form.response;
  const back = (done: string) => redirect(`/admin/exits/${exitId}?done=${done}`);
  switch (action) {
    case 'cancel':
    case 'pause':
    case 'resume': {
      const result = await controlExit(ctx.deps.controls, action, exitId, 'console');
      return back(result.changed ? CONTROL_DONE[action] : 'unchanged');
    }
    case 'send-now': {
      const result = await sendStepNow(
        ctx.deps.controls,
        exitId,
        form.fields.step ?? '',
        'console',
      );
      return back(result.changed ? 'sent-now' : 'not-sent-now');
    }
    case 'effective-date': {
      const date = form.fields.effectiveOn ?? '';
      const result = await changeEffectiveDate(ctx.deps.controls, exitId, date, 'console');
      return back(result.changed ? 'replanned' : 'unchanged');
    }
    case 'erase': {
      const result = await eraseExit(ctx.deps.erase, exitId, 'console');
      return back(result.erased ? 'erased' : 'unchanged');
    }
  }
}
