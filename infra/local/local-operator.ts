import { ConfigError, ValidationError } from '../../functions/domain/errors.js';
import { parseOperatorEmail } from '../../functions/domain/operator.js';
import { ensureOperator, type OperatorDeps } from '../../functions/domain/use-cases/operators.js';

export const DEFAULT_OPERATOR_EMAIL = 'operator@example.com';

/** Local mode's first operator, as the banner shows it. */
export interface LocalOperator {
  email: string;
  created: boolean;
  /**
   * `generated`: the password below is local mode's own and still the operator's, so it is
   * printed; `environment`: it came from FAREWELL_OPERATOR_PASSWORD (not printed); `changed`:
   * someone set another password since (not printed, never known here).
   */
  password: { source: 'generated'; value: string } | { source: 'environment' | 'changed' };
}

/**
 * Makes sure the first operator exists, so a first-time user can sign in with what `npm start`
 * prints: `FAREWELL_OPERATOR_EMAIL` (default operator@example.com) with
 * `FAREWELL_OPERATOR_PASSWORD`, else a password generated once and kept in the data folder.
 */
export async function ensureLocalOperator(
  deps: OperatorDeps,
  env: Record<string, string | undefined>,
  generatedPassword: string,
): Promise<LocalOperator> {
  let email: string;
  try {
    email = parseOperatorEmail(env.FAREWELL_OPERATOR_EMAIL || DEFAULT_OPERATOR_EMAIL);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigError('FAREWELL_OPERATOR_EMAIL: must be an email address', { cause: error });
  }
  const fromEnv = env.FAREWELL_OPERATOR_PASSWORD || undefined;
  let result: Awaited<ReturnType<typeof ensureOperator>>;
  try {
    result = await ensureOperator(deps, { email, password: fromEnv ?? generatedPassword });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigError(
      `FAREWELL_OPERATOR_PASSWORD: ${error.problems[0]?.message ?? 'is not a valid password'}`,
      { cause: error },
    );
  }
  const password: LocalOperator['password'] = !result.passwordCurrent
    ? { source: 'changed' }
    : fromEnv
      ? { source: 'environment' }
      : { source: 'generated', value: generatedPassword };
  return { email: result.email, created: result.created, password };
}
