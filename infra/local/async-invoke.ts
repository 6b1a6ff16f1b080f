/**
 * Lambda's asynchronous invocation, as local mode needs it: EventBridge Scheduler invokes the
 * send-step function asynchronously, and when the function fails Lambda (not Scheduler) tries
 * again, twice by default, about one and then two minutes later. Without this, a transient
 * failure locally (SES slow to answer, say) left a step unsent until the next start's reconcile.
 *
 * The first attempt is awaited, so the emulator's firing (and time travel) still waits for the
 * send; retries run later in real time, one at a time per invocation, and `stop` cancels them.
 */

export interface AsyncInvokerOptions {
  /** Delay before each retry: Lambda's default is two retries, about 1 and 2 minutes apart. */
  retryDelaysMs: readonly number[];
  /** Told when a retry fails; `final` when no retry is left (on AWS the event goes to the DLQ). */
  onRetryFailed?: (error: unknown, attempt: number, final: boolean) => void;
}

export interface AsyncInvoker {
  /** Runs the function once; on failure rethrows and plans the retries. */
  invoke(payload: unknown): Promise<void>;
  /** Retries waiting or running. */
  pending(): number;
  /** Cancels waiting retries and waits for a running one. */
  stop(): Promise<void>;
}

/** Lambda's own defaults for asynchronous invocation. */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

export function asyncInvoker(
  run: (payload: unknown) => Promise<unknown>,
  options: AsyncInvokerOptions,
): AsyncInvoker {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  function planRetry(payload: unknown, attempt: number): void {
    const delay = options.retryDelaysMs[attempt - 1];
    if (delay === undefined || stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const retry = run(payload).then(
        () => undefined,
        (error: unknown) => {
          const final = attempt >= options.retryDelaysMs.length;
          options.onRetryFailed?.(error, attempt, final);
          planRetry(payload, attempt + 1);
        },
      );
      running.add(retry);
      void retry.finally(() => running.delete(retry));
    }, delay);
    // A waiting retry never keeps the process alive; `stop` clears it anyway.
    timer.unref();
    timers.add(timer);
  }

  return {
    async invoke(payload) {
      try {
        await run(payload);
      } catch (error) {
        planRetry(payload, 1);
        throw error;
      }
    },
    pending: () => timers.size + running.size,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}
