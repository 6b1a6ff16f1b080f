/**
 * `farewell doctor`: before the first email goes out, asks SES and the app whether the
 * configured stage can send (identity, DKIM, MAIL FROM, sandbox, quotas, configuration set and
 * its event destination, the link base URL and its health) and prints each as ok or what to do.
 * With --local it checks the local stack: its SES emulator knows no sandbox, so those checks do
 * not apply, but the link base URL, the app's health and the local SES inbox do.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { resolveStage, StageSettingsError } from '../config/stages.js';
import { readSesAccount, sesAccountClient } from '../functions/adapters/ses-account.js';
import { type CliContext, type GlobalOptions, localTarget } from './context.js';
import {
  type Check,
  type DoctorTarget,
  formatCheck,
  type HealthAnswer,
  healthCheck,
  linkBaseCheck,
  localSesCheck,
  localSesChecks,
  sesChecks,
  summarize,
} from './doctor-checks.js';
import { UserError } from './errors.js';

/** Short, because a person waits; a hung endpoint is itself the finding. */
const TIMEOUT_MS = 5_000;

/** `--timeout` in seconds, as milliseconds. */
function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 60) {
    throw new InvalidArgumentError('must be a number of seconds from 0.1 to 60');
  }
  return seconds * 1000;
}

interface DoctorOptions {
  stage?: string;
  timeout: number;
}

/** `GET url` with a timeout: its status, or why it gave none (never throws). */
export async function probeUrl(url: string, timeoutMs = TIMEOUT_MS): Promise<HealthAnswer> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { error: `no answer within ${timeoutMs / 1000} s` };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? String(error) };
  }
}

function domainOf(address: string | undefined): string {
  return address?.split('@').pop()?.toLowerCase() ?? 'unknown';
}

function awsTarget(ctx: CliContext, options: DoctorOptions) {
  const name = options.stage ?? ctx.io.env.FAREWELL_STAGE ?? 'dev';
  let stage: ReturnType<typeof resolveStage>;
  try {
    stage = resolveStage(name);
  } catch (error) {
    if (error instanceof StageSettingsError) throw new UserError(error.message, { cause: error });
    throw error;
  }
  // The stacks send links on the app's own domain (`appDomain`), which outlives a redeploy.
  const publicUrl =
    ctx.io.env.FAREWELL_PUBLIC_URL || (stage.appDomain ? `https://${stage.appDomain}` : undefined);
  const target: DoctorTarget = {
    local: false,
    stage: stage.name,
    production: stage.production,
    region: stage.region,
    domain: stage.domain,
    mailFromDomain: `${stage.mailFromSubdomain}.${stage.domain}`,
    ...(publicUrl ? { publicUrl } : {}),
  };
  const configurationSet = ctx.io.env.FAREWELL_SES_CONFIGURATION_SET || undefined;
  return { target, account: stage.account, configurationSet };
}

async function linkChecks(
  ctx: CliContext,
  target: DoctorTarget,
  timeoutMs: number,
): Promise<Check[]> {
  const base = linkBaseCheck(target);
  if (!target.publicUrl || !URL.canParse(target.publicUrl)) return [base];
  ctx.err(`Asking ${target.publicUrl}/healthz…`);
  return [base, healthCheck(target, await probeUrl(`${target.publicUrl}/healthz`, timeoutMs))];
}

async function localChecks(
  ctx: CliContext,
  options: DoctorOptions,
): Promise<{ header: string; checks: Check[] }> {
  const { endpoints } = localTarget(ctx.dataDir);
  const publicUrl = endpoints.settings.FAREWELL_PUBLIC_URL ?? endpoints.appUrl;
  const target: DoctorTarget = {
    local: true,
    stage: 'local',
    production: false,
    region: endpoints.region,
    domain: domainOf(endpoints.settings.FAREWELL_SENDER_EMAIL),
    publicUrl,
  };
  ctx.err(`Asking the local SES at ${endpoints.sesUrl}…`);
  const ses = localSesCheck(
    endpoints.sesUrl,
    await probeUrl(`${endpoints.sesUrl}/health-check`, options.timeout),
  );
  return {
    header: `Farewell doctor: the local stack, sender domain ${target.domain}`,
    checks: [ses, ...localSesChecks(), ...(await linkChecks(ctx, target, options.timeout))],
  };
}

async function stageChecks(
  ctx: CliContext,
  options: DoctorOptions,
): Promise<{ header: string; checks: Check[] }> {
  const { target, account, configurationSet } = awsTarget(ctx, options);
  const where = [account ? `account ${account}` : '', `region ${target.region}`]
    .filter(Boolean)
    .join(', ');
  ctx.err(`Asking SES in ${target.region} about ${target.domain}…`);
  const client = sesAccountClient({ region: target.region, timeoutMs: options.timeout });
  try {
    const report = await readSesAccount(client, {
      identity: target.domain,
      ...(configurationSet ? { configurationSet } : {}),
    });
    return {
      header: `Farewell doctor: stage ${target.stage} (${where}), sender domain ${target.domain}`,
      checks: [...sesChecks(target, report), ...(await linkChecks(ctx, target, options.timeout))],
    };
  } finally {
    client.destroy();
  }
}

export function registerDoctor(program: Command, context: () => CliContext): void {
  program
    .command('doctor')
    .description(
      'Check that the stage can send: SES identity, DKIM, MAIL FROM, production access, quotas, configuration set, link base URL.',
    )
    .option(
      '--stage <name>',
      'the stage in config/stages.ts to check (default: FAREWELL_STAGE, else dev); ignored with --local',
    )
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for each answer (SES, the app)')
        .argParser(parseTimeout)
        .default(TIMEOUT_MS, '5'),
    )
    .action(async (options: DoctorOptions, command: Command) => {
      const ctx = context();
      const local = command.optsWithGlobals<GlobalOptions>().local ?? false;
      const { header, checks } = local
        ? await localChecks(ctx, options)
        : await stageChecks(ctx, options);
      ctx.out(header);
      for (const check of checks) ctx.out(formatCheck(check));
      const { line, blocked } = summarize(checks);
      ctx.out(line);
      if (blocked) ctx.exitCode = 1;
    });
}
