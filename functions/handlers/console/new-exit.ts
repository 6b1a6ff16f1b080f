import { type FieldProblem, ValidationError } from '../../domain/errors.js';
import { previewExit, runningExitsFor } from '../../domain/use-cases/preview-exit.js';
import { startExit } from '../../domain/use-cases/start-exit.js';
import { exitPreview, newExitView } from '../../rendering/console/exit-form.js';
import type { PreviewView } from '../../rendering/console/views.js';
import { EMAIL_PREVIEW_CONTENT_SECURITY_POLICY, htmlPage } from '../http/pages.js';
import type { HttpResponse } from '../http/responses.js';
import type { Signed } from './context.js';
import { isFormKey, newFormKey, parseExitForm, requestFingerprint } from './exit-form.js';
import { consolePage, redirect } from './pages.js';
import { readConsoleForm } from './read-form.js';
import { shellView } from './shell.js';

const ACTION = '/admin/exits/new';

function formPage(
  ctx: Signed,
  status: number,
  form: {
    key: string;
    fields: Record<string, string>;
    problems?: FieldProblem[];
    formProblem?: string;
    preview?: { view: PreviewView; fingerprint: string };
  },
): HttpResponse {
  const blank = Object.keys(form.fields).length === 0;
  const view = newExitView({
    shell: shellView(ctx, 'new', { script: true }),
    // The fragment (never sent) scrolls the answer to its preview; the token binds the path.
    action: `${ACTION}#preview-title`,
    csrf: ctx.deps.csrf.bound(ctx.session.sessionId, ACTION),
    key: form.key,
    fields: form.fields,
    rules: ctx.deps.rules,
    blank,
    ...(form.problems ? { problems: form.problems } : {}),
    ...(form.formProblem ? { formProblem: form.formProblem } : {}),
    ...(form.preview ? { preview: form.preview.view, previewed: form.preview.fingerprint } : {}),
  });
  const failed = (form.problems?.length ?? 0) > 0 || form.formProblem;
  return consolePage(
    ctx.deps,
    status,
    'console/exit-new',
    failed ? 'Error: Start an exit' : 'Start an exit',
    view,
  );
}

/** `GET /admin/exits/new`: a blank form with its own idempotency key. */
export async function showNewExit(ctx: Signed): Promise<HttpResponse> {
  return formPage(ctx, 200, { key: newFormKey(), fields: {} });
}

/**
 * `POST /admin/exits/new`, by the button pressed (`intent`): `preview` shows the planned steps in
 * the client's time and the notice; `email` opens the notice's HTML on its own (sandboxed) page;
 * `confirm` starts the exit, but only with the fields the preview showed, and only once per form
 * (its key derives the exit id), then goes to the exit's page.
 */
export async function submitNewExit(ctx: Signed): Promise<HttpResponse> {
  const form = readConsoleForm(ctx, ACTION);
  if (!form.ok) return form.response;
  const { key: rawKey, intent, previewed, ...fields } = form.fields;
  const key = isFormKey(rawKey) ? rawKey : newFormKey();
  const parsed = parseExitForm(fields);
  if (!parsed.ok) return formPage(ctx, 422, { key, fields, problems: parsed.problems });
  const { startExit: start, rules, clock, notices } = ctx.deps;
  const origin = { source: 'console' as const, key };
  const preview = () =>
    previewExit(
      {
        clock,
        rules,
        defaults: start.defaults,
        renderer: notices,
        store: ctx.deps.store,
        suppressionKey: ctx.deps.erase.suppressionKey,
      },
      parsed.request,
      origin,
    );
  const fingerprint = requestFingerprint(parsed.request);
  const previewOrStart = async (): Promise<HttpResponse> => {
    if (intent === 'email') {
      return htmlPage(200, (await preview()).notice.html, {
        csp: EMAIL_PREVIEW_CONTENT_SECURITY_POLICY,
      });
    }
    if (intent === 'confirm' && isFormKey(rawKey) && previewed === fingerprint) {
      const result = await startExit(start, parsed.request, origin);
      ctx.deps.log.info('exit started from the console', { exitId: result.exitId });
      // `#top`: the form's own fragment (its preview) would otherwise carry over to the exit's page.
      const done = result.created ? 'started' : 'exists';
      return redirect(`/admin/exits/${result.exitId}?done=${done}#top`);
    }
    const shown = await preview();
    const running = await runningExitsFor(ctx.deps.store, parsed.request.client.email);
    return formPage(ctx, 200, {
      key,
      fields,
      preview: {
        view: {
          ...exitPreview(shown.exit, shown.notice, {
            rules,
            effectiveGiven: Boolean(parsed.request.effectiveOn),
            ...(shown.warning ? { warning: shown.warning } : {}),
          }),
          running: running.map((exit) => ({
            href: `/admin/exits/${exit.id}`,
            status: exit.status,
          })),
        },
        fingerprint,
      },
      ...(intent === 'confirm'
        ? {
            formProblem:
              'The form changed since the preview, so nothing was started yet. Check the preview below, then start the exit.',
          }
        : {}),
    });
  };
  try {
    return await previewOrStart();
  } catch (error) {
    // A rule that needs the clock (an effective date too far past) is only known here.
    if (!(error instanceof ValidationError)) throw error;
    return formPage(ctx, 422, { key, fields, problems: error.problems });
  }
}
