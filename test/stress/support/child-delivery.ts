import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Delivery } from './async-invoker.js';
import type { StressStack } from './stress-stack.js';

const CHILD = fileURLToPath(new URL('./send-step-child.ts', import.meta.url));
/** A child that neither answers nor dies in this long has hung: it is killed and counted failed. */
const CHILD_TIMEOUT_MS = 60_000;

export interface ChildRun {
  /** SES accepted the message (the child said so before its commit). */
  accepted: boolean;
  /** The parent killed the child right after that. */
  killed: boolean;
}

/**
 * Runs one send-step attempt in a child process. With `killAfterSend`, the child holds after SES
 * accepted the message and the parent SIGKILLs it there: the process dies between send and
 * commit, as a Lambda that runs out of memory or time would. A killed or failed child is a
 * function error (the returned promise rejects), which Lambda retries.
 */
export function runInChild(
  stack: StressStack,
  input: string,
  killAfterSend: boolean,
  onRun?: (run: ChildRun) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, input], {
      env: {
        ...process.env,
        ...stack.childEnv,
        FAREWELL_TEST_HOLD_AFTER_SEND: killAfterSend ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const run: ChildRun = { accepted: false, killed: false };
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure = 'timed out';
      child.kill('SIGKILL');
    }, CHILD_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { type: string; name?: string };
      if (message.type === 'accepted') {
        run.accepted = true;
        if (killAfterSend) {
          run.killed = true;
          child.kill('SIGKILL');
        }
      }
      if (message.type === 'error') failure = message.name;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      onRun?.(run);
      if (code === 0 && !failure) return resolve();
      reject(
        new Error(
          `send-step child ${signal ? `killed (${signal})` : `failed (${failure ?? code})`}`,
        ),
      );
    });
  });
}

/**
 * A delivery that runs the first attempt at each notice in a child process, killed after the send
 * for the exits in `kill`. Every other attempt (Lambda's retries, the reconciler's re-sends, the
 * later steps) runs in this process: a new Lambda instance on the same table.
 */
export function childNoticeDelivery(
  stack: StressStack,
  kill: ReadonlySet<string>,
  runs: ChildRun[],
): Delivery {
  const tried = new Set<string>();
  return async (input) => {
    const event = JSON.parse(input) as { exitId: string; stepId: string };
    if (event.stepId !== 'notice' || tried.has(event.exitId)) {
      await stack.sendStep(event);
      return;
    }
    tried.add(event.exitId);
    await runInChild(stack, input, kill.has(event.exitId), (run) => runs.push(run));
  };
}
