/** `GET /admin/exits/{id}/record`: the printable exit record, also written by the CLI. */
import { NotFoundError } from '../../domain/errors.js';
import type { Exit, Step } from '../../domain/exit.js';
import { exitRecordView } from '../../rendering/console/exit-record.js';
import type { HttpResponse } from '../http/responses.js';
import type { ConsoleDeps, Signed } from './context.js';
import { consolePage } from './pages.js';

type RecordDeps = Pick<ConsoleDeps, 'pages' | 'notices' | 'clock'>;

/** A sent email's subject, rendered again from the exit (Farewell keeps no copy of emails). */
function subjectOf(deps: RecordDeps) {
  return (exit: Exit, step: Step): string | undefined => {
    try {
      return deps.notices.render(exit, step).subject;
    } catch {
      // A step the renderer cannot render any more still belongs in the record, without subject.
      return undefined;
    }
  };
}

function recordTitle(exit: Exit): string {
  return `Exit record: ${exit.client.name}`;
}

/** The record page as HTML, with its stylesheet inlined so the file stands on its own. */
export function exitRecordDocument(deps: RecordDeps, exit: Exit): string {
  const view = exitRecordView(exit, subjectOf(deps), deps.clock.now());
  const html = deps.pages.render('exit-record', { title: recordTitle(exit) }, view);
  // The layout links the served stylesheet; a file on its own carries it inline instead.
  return html.replace(/<link rel="stylesheet" href="[^"]*">/, () => {
    return `<style>${deps.pages.stylesheet.css}</style>`;
  });
}

export async function showExitRecord(ctx: Signed, exitId: string): Promise<HttpResponse> {
  const exit = await ctx.deps.store.get(exitId);
  if (!exit) throw new NotFoundError(`No exit ${exitId}`);
  const view = exitRecordView(exit, subjectOf(ctx.deps), ctx.deps.clock.now());
  return consolePage(ctx.deps, 200, 'exit-record', recordTitle(exit), view);
}
