import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { NotFoundError } from '../functions/domain/errors.js';
import { exitRecordDocument } from '../functions/handlers/console/exit-record.js';
import type { CliContext } from './context.js';

const EXIT_ID = /^x[0-9a-f]{24}$/;

/**
 * `farewell exits record ID [--out FILE]`: the exit record as one HTML file (stylesheet inlined,
 * print-ready), to stdout or to FILE. The same page as the console's `/admin/exits/{id}/record`.
 */
export function registerExitRecordCommand(exits: Command, context: () => CliContext): void {
  exits
    .command('record')
    .description('Write the printable exit record of one exit as HTML.')
    .argument('<exitId>', 'the exit id (x…)', (value: string) => {
      if (!EXIT_ID.test(value)) {
        throw new InvalidArgumentError(
          'must be an exit id from Farewell: x followed by 24 hex digits.',
        );
      }
      return value;
    })
    .option('--out <file>', 'write the HTML to this file instead of printing it')
    .action(async (id: string, options: { out?: string }) => {
      const ctx = context();
      const { store, console: consoleDeps } = ctx.deps().web;
      const exit = await store.get(id);
      if (!exit) throw new NotFoundError(`No exit ${id}.`);
      const html = exitRecordDocument(consoleDeps, exit);
      if (options.out) {
        writeFileSync(options.out, html);
        ctx.out(`Wrote the exit record of ${id} to ${options.out}.`);
      } else ctx.out(html);
    });
}
