import { asyncInvoker } from '../../../infra/local/async-invoke.js';

/** One attempt of the send-step function on a fired schedule's input; throwing is a function error. */
export type Delivery = (input: string) => Promise<void>;

export interface InvokerStats {
  /** Events handed to the function (one per fired schedule). */
  invocations: number;
  /** Attempts, retries included. */
  attempts: number;
  /** Attempts that failed, by error (name and message, exit ids blanked out). */
  failures: Record<string, number>;
  /** Events that failed all three attempts: on AWS they land in the dead-letter queue. */
  deadLettered: string[];
}

export interface AsyncInvoker {
  /** Runs an event like Lambda's asynchronous invocation: up to two retries after a failure. */
  invoke(input: string): Promise<void>;
  stats: InvokerStats;
}

/**
 * Local mode's Lambda asynchronous invocation (two retries after a failure), counted. Lambda
 * waits a minute, then two, between tries; here the retries follow at once and `invoke` waits
 * for them, which only matters to a claim still under its lease, and the reconciler takes those
 * over later anyway.
 */
export function createAsyncInvoker(delivery: Delivery): AsyncInvoker {
  const stats: InvokerStats = { invocations: 0, attempts: 0, failures: {}, deadLettered: [] };
  const lambda = asyncInvoker<string>(
    async (input) => {
      stats.attempts += 1;
      await delivery(input);
    },
    {
      retryDelaysMs: [0, 0],
      onFailure(error, _attempt, final, input) {
        const message = describe(error);
        stats.failures[message] = (stats.failures[message] ?? 0) + 1;
        if (final) stats.deadLettered.push(input);
      },
    },
  );
  return {
    stats,
    async invoke(input) {
      stats.invocations += 1;
      await lambda.invoke(input).catch(() => undefined);
      await lambda.settled();
    },
  };
}

/** `TransientError: SES send failed (TooManyRequestsException 429)`, with exit ids blanked out. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  return `${error.name}: ${error.message.replace(/x[0-9a-f]{24}[\w-]*/g, '…')}`;
}
