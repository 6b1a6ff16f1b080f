import { type Command, InvalidArgumentError, Option } from 'commander';
import { NotFoundError } from '../functions/domain/errors.js';
import { EXIT_STATUSES, type ExitStatus } from '../functions/domain/exit.js';
import { type ControlAction, controlExit } from '../functions/domain/use-cases/exit-controls.js';
import type { CliContext } from './context.js';
import { safe, UserError } from './errors.js';
import { exitReport, exitTable } from './exit-format.js';
import { registerExitRecordCommand } from './exit-record-command.js';

const EXIT_ID = /^x[0-9a-f]{24}$/;

function exitId(value: string): string {
  if (!EXIT_ID.test(value)) {
    throw new InvalidArgumentError(
      'must be an exit id from Farewell: x followed by 24 hex digits.',
    );
  }
  return value;
}

/** `exits show` takes either id: an exit id as Farewell wrote it, or the caller's externalId. */
function exitOrExternalId(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 200) {
    throw new InvalidArgumentError(
      'must be an exit id (x…) or an external id of 1–200 characters.',
    );
  }
  return trimmed;
}

function limit(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 1000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 1000.');
  }
  return number;
}

const CONTROL_WORDS: Record<ControlAction, { done: string; help: string }> = {
  cancel: { done: 'cancelled', help: 'Cancel an exit (the client stayed): nothing more is sent.' },
  pause: { done: 'paused', help: 'Pause an exit: nothing is sent until it is resumed.' },
  resume: {
    done: 'resumed',
    help: 'Resume a paused exit; steps that fell due while paused are replanned.',
  },
};

export function registerExits(program: Command, context: () => CliContext): void {
  const exits = program.command('exits').description('List, read and control exits.');

  exits
    .command('list')
    .description('List exits in one status, oldest first, a page at a time.')
    .addOption(
      new Option('--status <status>', 'which exits').choices([...EXIT_STATUSES]).default('active'),
    )
    .option('--limit <n>', 'at most this many (1–1000)', limit, 50)
    .option('--cursor <cursor>', 'continue after the previous page (printed at its end)')
    .option('--json', 'print JSON (includes every field, the client email too)')
    .action(
      async (options: { status: ExitStatus; limit: number; cursor?: string; json?: boolean }) => {
        const ctx = context();
        const page = await ctx.deps().web.store.listByStatus(options.status, {
          limit: options.limit,
          ...(options.cursor ? { cursor: options.cursor } : {}),
        });
        if (options.json) {
          ctx.out(JSON.stringify(page, null, 2));
          return;
        }
        if (page.exits.length === 0) {
          ctx.out(`No ${options.status} exits${options.cursor ? ' after that cursor' : ''}.`);
          return;
        }
        for (const line of exitTable(page.exits)) ctx.out(line);
        if (page.cursor) {
          ctx.out(`\nMore: farewell exits list --status ${options.status} --cursor ${page.cursor}`);
        }
      },
    );

  exits
    .command('show')
    .description('Show one exit: client, steps, timeline and survey answers.')
    .argument('<id>', 'the exit id (x…) or the externalId it was started with', exitOrExternalId)
    .option('--json', 'print the exit as JSON')
    .action(async (given: string, options: { json?: boolean }) => {
      const ctx = context();
      const { store } = ctx.deps().web;
      let id = given;
      if (!EXIT_ID.test(given)) {
        const ids = await store.findByExternalId(given);
        if (ids.length > 1) {
          // One report per command keeps --json one object; the ids say where to look next.
          throw new UserError(
            `External id ${safe(given)} names ${ids.length} exits: ${ids.join(', ')}. Show one by its exit id.`,
          );
        }
        id = ids[0] ?? '';
        if (!id) throw new NotFoundError(`No exit with the id or external id ${safe(given)}.`);
      }
      const exit = await store.get(id);
      if (!exit) throw new NotFoundError(`No exit ${id}.`);
      if (options.json) ctx.out(JSON.stringify(exit, null, 2));
      else for (const line of exitReport(exit)) ctx.out(line);
    });

  for (const action of ['cancel', 'pause', 'resume'] as const) {
    exits
      .command(action)
      .description(CONTROL_WORDS[action].help)
      .argument('<exitId>', 'the exit id (x…)', exitId)
      .action(async (id: string) => {
        const ctx = context();
        const result = await controlExit(ctx.deps().web.controls, action, id, 'cli');
        ctx.out(
          result.changed
            ? `${id} ${CONTROL_WORDS[action].done}; status: ${result.status}.`
            : `${id} unchanged; status: ${result.status}.`,
        );
      });
  }
  registerExitRecordCommand(exits, context);
}
