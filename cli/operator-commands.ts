import type { Command } from 'commander';
import { parseOperatorEmail } from '../functions/domain/operator.js';
import {
  addOperator,
  changePassword,
  unlockSignIn,
} from '../functions/domain/use-cases/operators.js';
import type { CliContext } from './context.js';
import { UserError } from './errors.js';
import { newPassword } from './prompt.js';

const PASSWORD_STDIN = 'read the password from the first line of standard input instead of asking';

export function registerOperator(program: Command, context: () => CliContext): void {
  const operator = program
    .command('operator')
    .description('Manage the operators who sign in to the console.');

  operator
    .command('add')
    .description('Add an operator (asks for the password twice, unless --password-stdin).')
    .argument('<email>', "the operator's email address; it is their sign-in name")
    .option('--password-stdin', PASSWORD_STDIN)
    .action(async (email: string, options: { passwordStdin?: boolean }) => {
      const ctx = context();
      const normalized = parseOperatorEmail(email);
      const password = await newPassword(ctx.io, options.passwordStdin ?? false);
      const { created } = await addOperator(ctx.deps().operators, { email: normalized, password });
      if (!created) {
        throw new UserError(
          'An operator with that email already exists; to set a new password use `farewell operator password`.',
        );
      }
      ctx.out('Operator added. They can sign in to the console now.');
    });

  operator
    .command('password')
    .description("Set an operator's password; every session of theirs ends.")
    .argument('<email>', "the operator's email address")
    .option('--password-stdin', PASSWORD_STDIN)
    .action(async (email: string, options: { passwordStdin?: boolean }) => {
      const ctx = context();
      const normalized = parseOperatorEmail(email);
      const password = await newPassword(ctx.io, options.passwordStdin ?? false);
      if (!(await changePassword(ctx.deps().operators, { email: normalized, password }))) {
        throw new UserError('There is no operator with that email.');
      }
      ctx.out('Password set; every session of that operator has ended.');
    });

  operator
    .command('unlock')
    .description(
      'Lift a sign-in lockout after repeated failed attempts (it also lapses by itself).',
    )
    .argument('<email>', "the operator's email address")
    .action(async (email: string) => {
      const ctx = context();
      await unlockSignIn(ctx.deps().operators, parseOperatorEmail(email));
      ctx.out('Sign-in attempts cleared.');
    });
}
