import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from './ports.js';

export interface RunningFarewell {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGINT to its process group, as Ctrl-C does, and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL to its process group, when it is still running (for clean-up after a failure). */
  kill(): void;
}

/**
 * Starts `npm start` exactly as a person would (its own process group), with `env` on top of this
 * process's environment, and waits until its whole banner (down to its `Stop:` line) is printed.
 */
export async function startFarewell(
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<RunningFarewell> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const running = () => child.exitCode === null && child.signalCode === null && child.pid;
  const farewell: RunningFarewell = {
    child,
    output: () => output,
    async stop() {
      const pid = running();
      if (!pid) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-pid, 'SIGINT');
      await exited;
    },
    kill() {
      const pid = running();
      if (pid) process.kill(-pid, 'SIGKILL');
    },
  };
  const ready = await waitFor(async () => (output.includes('Stop:') ? true : undefined), timeoutMs);
  if (!ready) {
    farewell.kill();
    throw new Error(`npm start did not come up within ${timeoutMs / 1000} s:\n${output}`);
  }
  return farewell;
}
