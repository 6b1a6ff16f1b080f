/**
 * `farewell`: the operator's command line. The same use cases and adapters as the web handler,
 * built by the same composition root, against AWS (SDK credential chain, FAREWELL_* config) or,
 * with --local, against the local stack `npm start` runs.
 */
import { Command, CommanderError } from 'commander';
import { type CliContext, type CliIo, createContext, type GlobalOptions } from './context.js';
import { registerDoctor } from './doctor.js';
import { registerEmails } from './email-commands.js';
import { describeError } from './errors.js';
import { registerExits } from './exits-commands.js';
import { registerImport } from './import-command.js';
import { registerOperator } from './operator-commands.js';

export function defaultIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

function buildProgram(io: CliIo, context: () => CliContext): Command {
  const program = new Command('farewell')
    .description('Run and follow Farewell exits from the command line.')
    .option(
      '--local',
      'use the local stack `npm start` runs (its data folder: FAREWELL_DATA_DIR or ./.farewell-data)',
    )
    .option('--verbose', 'print the domain log and, for unexpected errors, the stack trace')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addHelpText(
      'after',
      '\nWithout --local, the AWS SDK finds credentials as usual and the FAREWELL_* variables configure\nthe app (see the README). Exit codes: 0 done, 1 failed (or some import rows failed), 2 usage.',
    );
  registerOperator(program, context);
  registerExits(program, context);
  registerImport(program, context);
  registerEmails(program, context);
  registerDoctor(program, context);
  // Every sub-command reports usage errors the same way and lets this function decide the exit.
  for (const command of program.commands.flatMap((c) => [c, ...c.commands])) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** Runs the CLI once and answers the exit code; never calls `process.exit`. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let ctx: CliContext | undefined;
  const program = buildProgram(io, () => {
    ctx ??= createContext(io, program.opts<GlobalOptions>());
    return ctx;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx?.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes are already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    const { lines, code } = describeError(error, program.opts<GlobalOptions>().verbose ?? false);
    for (const line of lines) io.stderr.write(`${line}\n`);
    return code;
  }
}
