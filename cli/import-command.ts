import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { TransientError, ValidationError } from '../functions/domain/errors.js';
import {
  buildExit,
  exitIdFor,
  type StartExitDeps,
  startExit,
} from '../functions/domain/use-cases/start-exit.js';
import type { CliContext } from './context.js';
import { describeError, safe, UserError } from './errors.js';
import { IMPORT_COLUMNS, type ImportRow, parseImport } from './import-rows.js';

/** Rows started side by side: enough to hide round trips, few enough for SES/Scheduler quotas. */
const CONCURRENCY = 8;

export interface ImportSummary {
  started: number;
  existed: number;
  failed: number;
}

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code;
    throw new UserError(`Cannot read ${file}: ${why ?? 'unknown error'}.`, { cause: error });
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Retries a row that failed for a passing reason (a throttled API, a schedule that fired while
 * being repaired): starting an exit is idempotent, so a retry never starts it twice.
 */
async function withRetries<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof TransientError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

function reportInvalid(ctx: CliContext, rows: ImportRow[]) {
  for (const row of rows) {
    if (row.ok) continue;
    for (const problem of row.problems)
      ctx.err(`row ${row.line}: ${problem.column}: ${problem.message}`);
  }
}

/**
 * What a dry run says of one valid row: the exit `startExit` would build now (same planning,
 * nothing stored), each step dated in the client's zone, or that the row's exit already exists.
 */
function dryRunLine(
  deps: StartExitDeps,
  row: Extract<ImportRow, { ok: true }>,
  exitId: string,
  exists: boolean,
): string {
  const exit = buildExit(
    row.request,
    exitId,
    { source: 'import', key: row.key },
    deps.clock.now(),
    deps.defaults,
    deps.rules,
    deps.checklist,
  );
  const who = `row ${row.line}: ${safe(exit.client.name)}, ${exit.initiatedBy}-initiated, ends ${exit.effectiveOn}`;
  if (exists) return `${who}: already exists (${exitId})`;
  const steps = Object.values(exit.steps)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((step) => {
      const day = DateTime.fromISO(step.dueAt, { zone: exit.client.timezone }).toISODate();
      return `${step.id} ${day}`;
    });
  return `${who}: would start ${steps.join(', ')}`;
}

/**
 * Imports a CSV: validates every row first (printing each bad row and column), then starts one
 * exit per valid row. Exit ids derive from each row's key, so a re-run (or a repeated row)
 * finds its exit and starts nothing new.
 */
export async function importExits(
  ctx: CliContext,
  file: string,
  options: { dryRun?: boolean },
): Promise<ImportSummary> {
  const rows = parseImport(await readCsv(file));
  reportInvalid(ctx, rows);
  const valid = rows.filter((row) => row.ok);
  const summary: ImportSummary = { started: 0, existed: 0, failed: rows.length - valid.length };
  if (valid.length === 0) return summary;
  const deps = ctx.deps();

  if (options.dryRun) {
    const seen = new Set<string>();
    const lines = new Map<number, string>();
    await pool(valid, CONCURRENCY, async (row) => {
      const exitId = exitIdFor({ source: 'import', key: row.key });
      const exists = seen.has(exitId) || (await deps.web.store.get(exitId)) !== undefined;
      seen.add(exitId);
      let line: string;
      try {
        line = dryRunLine(deps.web.startExit, row, exitId, exists);
      } catch (error) {
        // A rule that needs the clock (an effective date too far past) refuses the row here.
        if (!(error instanceof ValidationError)) throw error;
        summary.failed += 1;
        ctx.err(`row ${row.line}: ${describeError(error, false).lines.join('; ')}`);
        return;
      }
      if (exists) summary.existed += 1;
      else summary.started += 1;
      lines.set(row.line, line);
    });
    for (const line of [...lines.keys()].sort((a, b) => a - b)) ctx.out(lines.get(line) ?? '');
    return summary;
  }

  const bar = new SingleBar({
    stream: ctx.io.stderr,
    format: 'Importing [{bar}] {value}/{total} rows | {duration_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(valid.length, 0);
  const failures: string[] = [];
  try {
    await pool(valid, CONCURRENCY, async (row) => {
      try {
        const result = await withRetries(() =>
          startExit(deps.web.startExit, row.request, { source: 'import', key: row.key }),
        );
        if (result.created) summary.started += 1;
        else summary.existed += 1;
      } catch (error) {
        summary.failed += 1;
        const { lines } = describeError(error, false);
        failures.push(`row ${row.line}: ${lines[0] ?? 'failed'}`);
      }
      bar.increment();
    });
  } finally {
    bar.stop();
  }
  for (const line of failures) ctx.err(line);
  return summary;
}

export function registerImport(program: Command, context: () => CliContext): void {
  program
    .command('import')
    .description(
      'Start one exit per row of a CSV file (safe to run again: rows already imported are skipped).',
    )
    .argument('<file>', 'CSV file with a header row')
    .option('--dry-run', 'validate every row and say what would start, without starting anything')
    .addHelpText(
      'after',
      `\nColumns (header row, any order; name, email and initiatedBy are required):\n  ${IMPORT_COLUMNS.join(',')}\nhandover and highlights hold several items separated by ";". Rows are numbered as in a\nspreadsheet: the header is row 1. The exit code is 1 when any row failed.`,
    )
    .action(async (file: string, options: { dryRun?: boolean }) => {
      const ctx = context();
      const summary = await importExits(ctx, file, options);
      ctx.out(
        options.dryRun
          ? `Dry run: ${summary.started} would start, ${summary.existed} already exist, ${summary.failed} failed`
          : `${summary.started} started, ${summary.existed} already existed, ${summary.failed} failed`,
      );
      if (summary.failed > 0) ctx.exitCode = 1;
    });
}
