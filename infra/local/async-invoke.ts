/**
 * Lambda's asynchronous invocation, as local mode needs it: EventBridge Scheduler invokes the
 * send-step function asynchronously, and when the function fails Lambda (not Scheduler) tries
 * again, twice by default, about one and then two minutes later. Without this, a transient
 * failure locally (SES slow to answer, say) left a step unsent until the next start's reconcile.
 *
 * The first attempt is awaited, so the emulator's firing (and time travel) still waits for the
 * send. A retry is due a delay after the failure on the given clock (local mode's virtual
 * clock): in real time a timer runs it when it falls due, and time travel runs the retries that
 * fall due on its way (`runDue`) before it moves the clock past them, as Lambda would have a
 * minute after the failure, not months later. Retries run one at a time per invocation, and
 * `stop` cancels them.
 */

export interface AsyncInvokerOptions<T> {
  /** Delay before each retry: Lambda's default is two retries, about 1 and 2 minutes apart. */
  retryDelaysMs: readonly number[];
  /** The clock retries are due on; real time when absent. */
  clock?: { now(): Date };
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
  /** When the earliest waiting retry is due on the clock, if any. */
  nextDueAt(): Date | undefined;
  /**
   * Runs every waiting retry due at or before `until`, earliest first, waiting for each (and for
   * one already running). Returns how many it ran.
   */
  runDue(until: Date): Promise<number>;
  /** Whether a retry is running now. */
  busy(): boolean;
  /**
   * When (on the clock) an invocation last failed its final attempt, if ever: on AWS the event
   * then waits in the dead-letter queue for the daily reconciler.
   */
  lastGaveUpAt(): Date | undefined;
  /** Resolves once no retry is running (waiting ones may remain). */
  idle(): Promise<void>;
  /** Resolves once no retry is waiting or running. */
  settled(): Promise<void>;
  /** Cancels waiting retries and waits for a running one. */
  stop(): Promise<void>;
}

/** Lambda's own defaults for asynchronous invocation. */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

interface Retry<T> {
  payload: T;
  /** The attempt this retry is (2 is the first retry). */
  attempt: number;
  dueAt: number;
  timer: NodeJS.Timeout;
}

export function asyncInvoker<T>(
  run: (payload: T) => Promise<unknown>,
  options: AsyncInvokerOptions<T>,
): AsyncInvoker<T> {
  const clock = options.clock ?? { now: () => new Date() };
  const waiting = new Set<Retry<T>>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let gaveUpAt: number | undefined;

  function failed(error: unknown, payload: T, attempt: number): void {
    const final = attempt > options.retryDelaysMs.length;
    if (final) gaveUpAt = clock.now().getTime();
    options.onFailure?.(error, attempt, final, payload);
    if (!final) planRetry(payload, attempt);
  }

  /** Plans the retry that follows failed attempt `attempt`. */
  function planRetry(payload: T, attempt: number): void {
    const delay = options.retryDelaysMs[attempt - 1];
    if (delay === undefined || stopped) return;
    const dueAt = clock.now().getTime() + delay;
    const retry: Retry<T> = {
      payload,
      attempt: attempt + 1,
      dueAt,
      // A clock that moves on its own (time travel) may make it due sooner: `runDue` then runs it.
      timer: setTimeout(() => void start(retry), delay),
    };
    // A waiting retry never keeps the process alive; `stop` clears it anyway.
    retry.timer.unref();
    waiting.add(retry);
  }

  /** Runs a waiting retry once, whoever comes first: its timer or `runDue`. */
  function start(retry: Retry<T>): Promise<void> {
    if (!waiting.delete(retry)) return Promise.resolve();
    clearTimeout(retry.timer);
    const attempt = run(retry.payload).then(
      () => undefined,
      (error: unknown) => failed(error, retry.payload, retry.attempt),
    );
    running.add(attempt);
    void attempt.finally(() => running.delete(attempt));
    return attempt;
  }

  function earliest(): Retry<T> | undefined {
    let first: Retry<T> | undefined;
    for (const retry of waiting) if (!first || retry.dueAt < first.dueAt) first = retry;
    return first;
  }

  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.all(running);
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
    pending: () => waiting.size + running.size,
    nextDueAt() {
      const first = earliest();
      return first ? new Date(first.dueAt) : undefined;
    },
    async runDue(until) {
      let ran = 0;
      await idle();
      for (let next = earliest(); next && next.dueAt <= until.getTime(); next = earliest()) {
        await start(next);
        await idle();
        ran += 1;
      }
      return ran;
    },
    busy: () => running.size > 0,
    lastGaveUpAt: () => (gaveUpAt === undefined ? undefined : new Date(gaveUpAt)),
    idle,
    async settled() {
      while (waiting.size + running.size > 0) {
        if (running.size > 0) await Promise.all(running);
        else await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    async stop() {
      stopped = true;
      for (const retry of waiting) clearTimeout(retry.timer);
      waiting.clear();
      await idle();
    },
  };
}
