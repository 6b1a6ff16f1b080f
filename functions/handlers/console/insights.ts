import { allExits, feedbackInsights } from '../../domain/use-cases/feedback.js';
import { insightsView } from '../../rendering/console/insights.js';
import { exitsCsv } from '../../rendering/exits-csv.js';
import type { HttpResponse } from '../http/responses.js';
import type { Signed } from './context.js';
import { safeNext } from './next-path.js';
import { consolePage, messagePage, redirect } from './pages.js';
import { readConsoleForm } from './read-form.js';
import { shellView } from './shell.js';

/** `GET /admin/insights`: reasons, scores and NPS, win-back candidates, testimonials. */
export async function showInsights(ctx: Signed): Promise<HttpResponse> {
  const summary = await feedbackInsights(ctx.deps.store);
  const view = insightsView(summary, shellView(ctx, 'insights'));
  return consolePage(ctx.deps, 200, 'console/insights', 'Insights', view);
}

/**
 * `GET /admin/exports/exits.csv`: every exit and its answers, as an attachment. It holds
 * personal data: never cached, and (like every console route) only for a signed-in operator.
 */
export async function exportExits(ctx: Signed): Promise<HttpResponse> {
  const { exits } = await allExits(ctx.deps.store);
  const day = ctx.deps.clock.now().toISOString().slice(0, 10);
  ctx.deps.log.info('exits exported', { count: exits.length });
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="farewell-exits-${day}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: exitsCsv(exits),
  };
}

/** `POST /admin/local/time-travel` (local mode only): moves the clock, then back where it was. */
export async function travelInTime(ctx: Signed): Promise<HttpResponse | undefined> {
  const tools = ctx.deps.localTools;
  if (!tools) return undefined;
  const form = readConsoleForm(ctx, '/admin/local/time-travel');
  if (!form.ok) return form.response;
  const days = Number(form.fields.days);
  const next = new URL(safeNext(form.fields.next), 'https://console.invalid');
  if (!Number.isInteger(days) || days < 1 || days > 3660) {
    return messagePage(
      ctx.deps,
      shellView(ctx, null),
      422,
      'Time did not move',
      ['Enter a whole number of days from 1 to 3660.'],
      { href: `${next.pathname}${next.search}`, label: 'Back' },
    );
  }
  const { fired } = await tools.timeTravel(days);
  next.searchParams.set('travelled', String(days));
  next.searchParams.set('fired', String(fired));
  return redirect(`${next.pathname}${next.search}`);
}
