import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts every AWS SDK call this process makes, by service, operation and origin, and asks
 * DynamoDB for the capacity each call consumes (`ReturnConsumedCapacity: 'TOTAL'`): a benchmark
 * middleware, installed on each client's middleware stack at its first call. Production code is
 * untouched; it builds its clients in the composition root, out of the benchmark's reach, so the
 * middleware goes in through the SDK's shared `Client.send`.
 */

export type Origin = 'start-exit' | 'send-step' | 'reconcile' | 'ses-events' | 'other';

export interface AwsCall {
  service: string;
  operation: string;
  origin: Origin;
  /** DynamoDB: capacity units the call consumed, as the table reports them. */
  capacityUnits?: number;
  /** DynamoDB: the partition key written or read, when the call names one item. */
  key?: string;
}

interface Stack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>;

// Where a call comes from, by the use case on its (async) stack.
const ORIGINS: [RegExp, Origin][] = [
  [/use-cases[/\\]reconcile\./, 'reconcile'],
  [/use-cases[/\\]send-step\./, 'send-step'],
  [/use-cases[/\\]start-exit\./, 'start-exit'],
  [/use-cases[/\\]record-email-event\./, 'ses-events'],
];

function origin(): Origin {
  const stack = new Error().stack ?? '';
  return ORIGINS.find(([pattern]) => pattern.test(stack))?.[1] ?? 'other';
}

function keyOf(input: Record<string, unknown>): string | undefined {
  const named = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const pk = named?.pk as string | { S?: string } | undefined;
  return typeof pk === 'string' ? pk : pk?.S;
}

function consumed(output: unknown): number | undefined {
  const capacity = (output as { ConsumedCapacity?: unknown } | undefined)?.ConsumedCapacity;
  const list = Array.isArray(capacity) ? capacity : capacity ? [capacity] : [];
  if (list.length === 0) return undefined;
  return list.reduce(
    (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
    0,
  );
}

/** Starts recording; returns the calls so far and a way to stop. */
export function recordAwsCalls(): { calls: AwsCall[]; stop(): void } {
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const calls: AwsCall[] = [];
  const base = Object.getPrototypeOf(DynamoDBClient.prototype) as {
    send: (this: { middlewareStack: Stack }, ...args: unknown[]) => unknown;
  };
  const send = base.send;
  const instrumented = new WeakSet<Stack>();
  const middleware =
    (next: Next, context: { clientName?: string; commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      const service = (context.clientName ?? 'unknown').replace(/Client$/, '');
      const isDynamo = service === 'DynamoDB' || service === 'DynamoDBDocument';
      const input = isDynamo ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
      const call: AwsCall = {
        service: isDynamo ? 'DynamoDB' : service,
        operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        origin: origin(),
        ...(isDynamo && keyOf(input) ? { key: keyOf(input) } : {}),
      };
      const result = await next({ ...args, input });
      const units = isDynamo ? consumed(result.output) : undefined;
      calls.push(units === undefined ? call : { ...call, capacityUnits: units });
      return result;
    };
  base.send = function (this: { middlewareStack: Stack }, ...args: unknown[]) {
    if (!instrumented.has(this.middlewareStack)) {
      instrumented.add(this.middlewareStack);
      this.middlewareStack.add(middleware, {
        step: 'initialize',
        name: 'farewellBenchCallRecorder',
        priority: 'high',
      });
    }
    return send.apply(this, args);
  };
  return {
    calls,
    stop() {
      base.send = send;
      Error.stackTraceLimit = previous;
    },
  };
}
