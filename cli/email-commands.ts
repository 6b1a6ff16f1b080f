import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import type { Dependencies } from '../functions/composition-root.js';
import type { Exit } from '../functions/domain/exit.js';
import { exitIdFromEvent } from '../functions/domain/ids.js';
import type { RenderedEmail } from '../functions/domain/ports.js';
import { EMAIL_NAMES, type EmailName } from '../functions/rendering/email-templates.js';
import {
  operatorDigestSample,
  previewCases,
  surveyAnswerSample,
} from '../functions/rendering/preview-samples.js';
import type { CliContext, GlobalOptions } from './context.js';
import { UserError } from './errors.js';

/** `notice` is the firm's notice; the client's is `notice-client`. */
const ALIASES: Record<string, EmailName> = { notice: 'notice-firm' };

function emailName(value: string): EmailName {
  const name = ALIASES[value] ?? value;
  if (!(EMAIL_NAMES as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`must be one of: ${EMAIL_NAMES.join(', ')} (or notice).`);
  }
  return name as EmailName;
}

const address = z.email().max(254);

function recipient(value: string): string {
  const result = address.safeParse(value.trim());
  if (!result.success) throw new InvalidArgumentError('must be one email address.');
  return result.data;
}

/** Runs `npm run preview`'s script itself (scripts/preview.ts), passing its output through. */
function runPreview(ctx: CliContext, serve: boolean): Promise<number> {
  const script = fileURLToPath(new URL('../scripts/preview.ts', import.meta.url));
  const tsx = import.meta.resolve('tsx');
  const child = spawn(
    process.execPath,
    ['--import', tsx, script, ...(serve ? [] : ['--no-serve'])],
    { cwd: ctx.io.cwd, env: ctx.io.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(ctx.io.stdout, { end: false });
  child.stderr.pipe(ctx.io.stderr, { end: false });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Locally, the sample exit behind a step's email is stored (completed, nothing scheduled, under
 * an id derived from the email's name), so the email's survey, unsubscribe and preferences links
 * open real pages. Never against AWS: a sample client has no place in real data.
 */
async function storeSampleExit(
  deps: Dependencies,
  name: EmailName,
  now: Date,
): Promise<Exit | undefined> {
  const sample = previewCases(now).find((c) => c.name === name);
  if (!sample) return undefined;
  const exit: Exit = {
    ...sample.exit,
    id: exitIdFromEvent('send-test', name),
    status: 'completed',
  };
  await deps.web.store.create(exit);
  return exit;
}

/** The operator's survey notice has its own renderer; every other email is a step's. */
function renderSample(
  deps: Dependencies,
  name: EmailName,
  now: Date,
  sampleExit?: Exit,
): RenderedEmail {
  if (name === 'survey-answer') {
    const { exit, response, reasons } = surveyAnswerSample(now);
    return deps.web.clientPages.survey.alertRenderer.renderOperatorAlert(exit, response, reasons);
  }
  if (name === 'operator-digest') {
    if (!deps.digest) throw new UserError('The digest needs FAREWELL_OPERATOR_EMAIL.');
    return deps.digest.renderer.renderDigest(operatorDigestSample(now));
  }
  const sample = previewCases(now).find((c) => c.name === name);
  if (!sample) throw new UserError(`No sample for ${name}.`);
  return deps.sendStep.renderer.render(sampleExit ?? sample.exit, sample.step);
}

export function registerEmails(program: Command, context: () => CliContext): void {
  program
    .command('preview')
    .description(
      'Render every email with sample data into .farewell-data/preview/ and serve it (same as npm run preview).',
    )
    .option('--no-serve', 'only write the files')
    .action(async (options: { serve: boolean }) => {
      const ctx = context();
      ctx.exitCode = await runPreview(ctx, options.serve);
    });

  program
    .command('send-test')
    .description(
      "Send one email, rendered with sample data and the app's branding, to an address of yours.",
    )
    .argument('<email>', `which email: ${EMAIL_NAMES.join(', ')} (notice = notice-firm)`, emailName)
    .requiredOption('--to <address>', 'the one address to send it to', recipient)
    .action(async (name: EmailName, options: { to: string }) => {
      const ctx = context();
      const deps = ctx.deps();
      const now = deps.sendStep.clock.now();
      const local = program.opts<GlobalOptions>().local === true;
      const stored = local ? await storeSampleExit(deps, name, now) : undefined;
      const rendered = renderSample(deps, name, now, stored);
      const { messageId } = await deps.sendStep.mailer.send({
        to: options.to,
        subject: `[Test] ${rendered.subject}`,
        html: rendered.html,
        text: rendered.text,
        ...(rendered.headers ? { headers: rendered.headers } : {}),
        tags: { purpose: 'send-test', email: name },
      });
      ctx.out(`Sent a test of ${name} (message id ${messageId}).`);
    });
}
