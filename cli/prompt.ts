/** Reading a password: hidden from the terminal, or the first line of standard input. */
import type { CliIo } from './context.js';
import { UserError } from './errors.js';

const ENTER = new Set(['\r', '\n', '\u0004']);
const BACKSPACE = new Set(['\u007f', '\b']);

/** Asks on stderr and reads one line from a terminal without echoing it. */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  const { stdin, stderr } = io;
  const setRawMode = stdin.setRawMode?.bind(stdin);
  if (!stdin.isTTY || !setRawMode) {
    return Promise.reject(
      new UserError(
        'There is no terminal to ask for the password: pipe it in with --password-stdin.',
      ),
    );
  }
  stderr.write(question);
  setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === '\u0003') {
          finish();
          reject(new UserError('Cancelled.'));
          return;
        }
        if (ENTER.has(char)) {
          finish();
          resolve(value);
          return;
        }
        if (BACKSPACE.has(char)) value = value.slice(0, -1);
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of standard input (a password piped in, e.g. from a secrets manager). */
export async function readFirstLine(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** A new password: piped in, or typed twice on a terminal. */
export async function newPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readFirstLine(io);
  const first = await promptHidden(io, 'Password (at least 12 characters): ');
  const again = await promptHidden(io, 'Password again: ');
  if (first !== again) throw new UserError('The two passwords differ; nothing was changed.');
  return first;
}
