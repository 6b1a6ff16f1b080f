/**
 * How the CLI reports failures: a user's mistake or an unreachable service is one or two plain
 * lines naming what and why; only an unexpected failure shows more, and only with --verbose.
 */
import { FarewellError, TransientError, ValidationError } from '../functions/domain/errors.js';

/** A mistake the person at the terminal can fix; the message says how. */
export class UserError extends FarewellError {}

/** Control characters (but newlines) from stored data must not drive the terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const TERMINAL_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** Text from the store, fit to print: no escape sequences a client could have typed in. */
export function safe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, '\uFFFD');
}

function causeName(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (!(cause instanceof Error)) return '';
  const code = (cause as { code?: string }).code;
  return ` (${[cause.name, code].filter((part) => part && part !== 'Error').join(' ') || cause.message})`;
}

/** The lines to print for an error, and the exit code. */
export function describeError(error: unknown, verbose: boolean): { lines: string[]; code: number } {
  if (error instanceof ValidationError) {
    return { lines: error.problems.map((p) => `${p.field}: ${p.message}`), code: 1 };
  }
  if (error instanceof TransientError) {
    return {
      lines: [
        `${error.message}${causeName(error)}.`,
        'Check that the service is reachable (for --local: that `npm start` is running).',
      ],
      code: 1,
    };
  }
  // User errors, config, not found, conflicts, a rejected email: the message says it all.
  if (error instanceof FarewellError) return { lines: [error.message], code: 1 };
  const detail =
    error instanceof Error
      ? verbose
        ? (error.stack ?? error.message)
        : error.message
      : String(error);
  return {
    lines: [
      `Unexpected error: ${detail}`,
      ...(verbose ? [] : ['Run again with --verbose for details.']),
    ],
    code: 1,
  };
}
