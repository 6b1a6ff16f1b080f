import { exportPart, feedbackInsights } from '../../domain/use-cases/feedback.js';
import { insightsView } from '../../rendering/console/insights.js';
import { EXPORT_PART_BYTES, exitRowBytes, exitsCsv } from '../../rendering/exits-csv.js';
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
 * `GET /admin/exports/exits.csv[?part=N&cursor=…]`: every exit and its answers, as an attachment,
 * in parts of at most `EXPORT_PART_BYTES` (a Lambda answers at most 6 MB). A part that is not the
 * last says so in its last row, with the address of the next, and in a `Link: rel="next"` header.
 * It holds personal data: never cached, and (like every console route) only for a signed-in
 * operator.
 */
export async function exportExits(ctx: Signed): Promise<HttpResponse> {
  const query = ctx.event.queryStringParameters ?? {};
  const cursor = query.cursor && query.cursor.length <= 2048 ? query.cursor : undefined;
  const asked = Number(query.part);
  const part = cursor && Number.isInteger(asked) && asked > 1 && asked <= 100_000 ? asked : 1;
  const { exits, next } = await exportPart(ctx.deps.store, {
    ...(cursor ? { cursor } : {}),
    budget: EXPORT_PART_BYTES,
    size: exitRowBytes,
  });
  const day = ctx.deps.clock.now().toISOString().slice(0, 10);
  const origin = `${ctx.deps.secure ? 'https' : 'http'}://${ctx.event.requestContext.domainName}`;
  const nextHref = next
    ? `${origin}/admin/exports/exits.csv?${new URLSearchParams({ part: String(part + 1), cursor: next })}`
    : undefined;
  const name =
    next || part > 1 ? `farewell-exits-${day}-part-${part}.csv` : `farewell-exits-${day}.csv`;
  ctx.deps.log.info('exits exported', { count: exits.length, part, complete: !next });
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(nextHref ? { link: `<${nextHref}>; rel="next"` } : {}),
    },
    body: exitsCsv(exits, nextHref ? { part, nextHref } : undefined),
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
