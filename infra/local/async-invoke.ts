/**
 * Lambda's asynchronous invocation, as local mode needs it: EventBridge Scheduler invokes the
 * send-step function asynchronously, and when the function fails Lambda (not Scheduler) tries
 * again, twice by default, about one and then two minutes later. Without this, a transient
 * failure locally (SES slow to answer, say) left a step unsent until the next start's reconcile.
 *
 * The first attempt is awaited, so the emulator's firing (and time travel) still waits for the
 * send; retries run later in real time, one at a time per invocation, and `stop` cancels them.
 */

export interface AsyncInvokerOptions<T> {
  /** Delay before each retry: Lambda's default is two retries, about 1 and 2 minutes apart. */
  retryDelaysMs: readonly number[];
  /**
   * Told of every failed attempt (1 is the first run); `final` when no retry is left: on AWS the
   * event then goes to the dead-letter queue.
   */
  onFailure?: (error: unknown, attempt: number, final: boolean, payload: T) => void;
}

export interface AsyncInvoker<T> {
  /** Runs the function once; on failure rethrows and plans the retries. */
  invoke(payload: T): Promise<void>;
  /** Retries waiting or running. */
  pending(): number;
  /** Resolves once no retry is waiting or running. */
  settled(): Promise<void>;
  /** Cancels waiting retries and waits for a running one. */
  stop(): Promise<void>;
}

/** Lambda's own defaults for asynchronous invocation. */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

export function asyncInvoker<T>(
  run: (payload: T) => Promise<unknown>,
  options: AsyncInvokerOptions<T>,
): AsyncInvoker<T> {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  function failed(error: unknown, payload: T, attempt: number): void {
    const final = attempt > options.retryDelaysMs.length;
    options.onFailure?.(error, attempt, final, payload);
    if (!final) planRetry(payload, attempt);
  }

  /** Plans the retry that follows failed attempt `attempt`. */
  function planRetry(payload: T, attempt: number): void {
    const delay = options.retryDelaysMs[attempt - 1];
    if (delay === undefined || stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const retry = run(payload).then(
        () => undefined,
        (error: unknown) => failed(error, payload, attempt + 1),
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
        failed(error, payload, 1);
        throw error;
      }
    },
    pending: () => timers.size + running.size,
    async settled() {
      while (timers.size + running.size > 0) {
        if (running.size > 0) await Promise.all(running);
        else await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}
