/**
 * The send-step function as Lambda runs asynchronous invocations with reserved concurrency:
 * EventBridge Scheduler's invoke returns once the event is queued; at most `concurrency` run at
 * once, the rest wait in Lambda's queue (a throttled asynchronous event is kept and tried later,
 * not failed); a failed run is retried twice, one and then two minutes later on the clock, and an
 * event that fails all three attempts goes to the dead-letter queue.
 */
export interface ReservedLambdaStats {
  /** Events queued (one per fired schedule). */
  invocations: number;
  /** Runs, retries included. */
  attempts: number;
  /** Failed runs by error name and message (exit ids blanked out). */
  failures: Record<string, number>;
  /** Events that failed all three attempts. */
  deadLettered: string[];
  /** The most runs at once: never above the reserved concurrency. */
  maxInFlight: number;
}

export interface ReservedLambda {
  invoke(input: string): Promise<void>;
  stats: ReservedLambdaStats;
  /** Whether nothing is queued, running or waiting for a retry. */
  idle(): boolean;
}

export function reservedLambda(
  run: (input: string) => Promise<void>,
  options: {
    concurrency: number;
    /** Real milliseconds of each retry delay (Lambda's 1 and 2 minutes, scaled to the clock). */
    retryDelaysMs: readonly number[];
  },
): ReservedLambda {
  const stats: ReservedLambdaStats = {
    invocations: 0,
    attempts: 0,
    failures: {},
    deadLettered: [],
    maxInFlight: 0,
  };
  const queue: { input: string; attempt: number }[] = [];
  let inFlight = 0;
  let retriesWaiting = 0;

  function pump(): void {
    while (inFlight < options.concurrency && queue.length > 0) {
      const event = queue.shift();
      if (!event) return;
      inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      stats.attempts += 1;
      run(event.input)
        .catch((error: unknown) => {
          const cause = describe(error);
          stats.failures[cause] = (stats.failures[cause] ?? 0) + 1;
          const delay = options.retryDelaysMs[event.attempt - 1];
          if (delay === undefined) {
            stats.deadLettered.push(event.input);
            return;
          }
          retriesWaiting += 1;
          setTimeout(() => {
            retriesWaiting -= 1;
            queue.push({ input: event.input, attempt: event.attempt + 1 });
            pump();
          }, delay).unref();
        })
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  }

  return {
    stats,
    async invoke(input) {
      stats.invocations += 1;
      queue.push({ input, attempt: 1 });
      pump();
    },
    idle: () => queue.length === 0 && inFlight === 0 && retriesWaiting === 0,
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  return `${error.name}: ${error.message.replace(/x[0-9a-f]{24}[\w-]*/g, '…')}`;
}
