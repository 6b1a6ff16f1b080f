import type { Exit } from '../functions/domain/exit.js';
import { startTestStack, type TestStack } from '../test/support/test-stack.js';
import { exitRequested } from '../test/support/webhooks.js';
import { type AwsCall, recordAwsCalls } from './support/aws-calls.js';

/**
 * AWS calls per exit over a whole sequence, on the local stack (dynalite, aws-ses-v2-local, the
 * Scheduler emulator) in this process: one `exit.requested` webhook, then time travel. Counts,
 * never times, so the budget check can compare them with the recorded figures.
 *
 * Two views of the same exit (notice 30 days before the effective date, default sequence):
 * - `fourEmails`: until the survey reminder is sent (notice, thank-you, survey, reminder): the
 *   "four-email exit" of the cost goal. The default sequence has by then also scheduled the first
 *   check-in, which is counted.
 * - `twoYears`: the whole first two years, which adds three check-ins (6, 12 and 18 months after
 *   the effective date; the fourth falls after the two years).
 *
 * The reconciler runs after every time travel locally but once a day on AWS, whatever the number
 * of exits: its calls are kept apart (`reconcilePerRun`) and costed per exit-day.
 */

export interface CallCounts {
  emails: number;
  invocations: { web: number; sendStep: number };
  dynamodb: {
    reads: number;
    writes: number;
    /** Read and write units the table reported (dynalite computes them from item sizes). */
    readUnits: number;
    writeUnits: number;
    /**
     * Write units of the status index, modelled: it projects every attribute and every exit item
     * carries its key, so each write to an exit rewrites its index entry (dynalite reports
     * table units only).
     */
    indexWriteUnits: number;
    byOperation: Record<string, number>;
  };
  ses: { sendEmail: number };
  scheduler: Record<'create' | 'update' | 'delete' | 'get' | 'list', number>;
  /** The least a correct implementation could do for the same steps. */
  floor: { sends: number; scheduleCreates: number; writes: number; invocations: number };
}

export interface ApiCallsResult {
  fourEmails: CallCounts;
  twoYears: CallCounts;
  /** One reconciler run over this one active exit. */
  reconcilePerRun: { dynamodbReads: number; readUnits: number; schedulerList: number };
  /** Days the exit is active in the measured window: 30 days' notice, then two years. */
  activeDays: number;
  /** Write units of the last write of the exit in two years: its size in KB, rounded up. */
  exitItemWriteUnits: number;
}

const DAY_MS = 86_400_000;
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'Get']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'Put', 'Update']);

async function travel(stack: TestStack, days: number): Promise<{ fired: number }> {
  const response = await fetch(`${stack.stack.appUrl}/__local/time-travel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ days }),
  });
  if (response.status !== 200) throw new Error(`time travel answered ${response.status}`);
  return (await response.json()) as { fired: number };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function count(
  calls: AwsCall[],
  emails: number,
  invocations: CallCounts['invocations'],
  exit: Exit,
): CallCounts {
  const own = calls.filter((call) => call.origin !== 'reconcile');
  const dynamo = own.filter((call) => call.service === 'DynamoDB');
  const byOperation: Record<string, number> = {};
  for (const call of dynamo) byOperation[call.operation] = (byOperation[call.operation] ?? 0) + 1;
  const units = (list: AwsCall[]) => list.reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0);
  const reads = dynamo.filter((call) => READS.has(call.operation));
  const writes = dynamo.filter((call) => WRITES.has(call.operation));
  const scheduler = (operation: string) =>
    own.filter((call) => call.service === 'Scheduler' && call.operation === operation).length;
  const steps = Object.values(exit.steps);
  const scheduledSteps = steps.filter((s) => s.state === 'sent' || s.state === 'scheduled').length;
  return {
    emails,
    invocations,
    dynamodb: {
      reads: reads.length,
      writes: writes.length,
      readUnits: units(reads),
      writeUnits: units(writes),
      indexWriteUnits: units(writes.filter((call) => call.key?.startsWith('exit#'))),
      byOperation,
    },
    ses: {
      sendEmail: own.filter((c) => c.service === 'SESv2' && c.operation === 'SendEmail').length,
    },
    scheduler: {
      create: scheduler('CreateSchedule'),
      update: scheduler('UpdateSchedule'),
      delete: scheduler('DeleteSchedule'),
      get: scheduler('GetSchedule'),
      list: scheduler('ListSchedules'),
    },
    floor: {
      sends: emails,
      // Schedules delete themselves after firing (ActionAfterCompletion: DELETE).
      scheduleCreates: scheduledSteps,
      // The exit's creation, then a claim and a commit per email, and the end of the exit.
      writes: 1 + 2 * emails + (exit.status === 'completed' ? 1 : 0),
      invocations: 1 + emails,
    },
  };
}

export async function measureApiCalls(): Promise<ApiCallsResult> {
  const recorder = recordAwsCalls();
  const stack = await startTestStack();
  try {
    recorder.calls.length = 0;
    const today = new Date();
    const effectiveOn = new Date(today.getTime() + 30 * DAY_MS).toISOString().slice(0, 10);
    const payload = exitRequested({ effectiveOn, externalId: 'bench-api-calls' });
    const address = (payload.data as { client: { email: string } }).client.email;
    const response = await stack.webhook(payload);
    if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
    const { exitId } = (await response.json()) as { exitId: string };
    // The notice goes out at once, fired by the emulator's own timer.
    await waitFor('the notice', async () =>
      (await stack.emailsTo(address)).length === 1 ? true : undefined,
    );
    const exit = async () => {
      const found = await stack.stack.store.get(exitId);
      if (!found) throw new Error('The exit is gone');
      return found;
    };

    // Until the reminder: the notice is sent 30 days before the effective date, the reminder
    // about 12 days after it.
    let sendSteps = 1 + (await travel(stack, 60)).fired;
    const fourEmails = count(
      [...recorder.calls],
      (await stack.emailsTo(address)).length,
      { web: 1, sendStep: sendSteps },
      await exit(),
    );
    if (fourEmails.emails !== 4) throw new Error(`Expected 4 emails, got ${fourEmails.emails}`);

    sendSteps += (await travel(stack, 730 - 60)).fired;
    const calls = [...recorder.calls];
    const twoYears = count(
      calls,
      (await stack.emailsTo(address)).length,
      { web: 1, sendStep: sendSteps },
      await exit(),
    );

    // One reconciler run on its own: a time travel of zero days runs nothing else.
    recorder.calls.length = 0;
    await travel(stack, 0);
    const reconcile = recorder.calls.filter((call) => call.origin === 'reconcile');
    const reconcileReads = reconcile.filter(
      (call) => call.service === 'DynamoDB' && READS.has(call.operation),
    );

    const exitWrites = calls.filter(
      (call) => call.key === `exit#${exitId}` && WRITES.has(call.operation),
    );

    return {
      fourEmails,
      twoYears,
      reconcilePerRun: {
        dynamodbReads: reconcileReads.length,
        readUnits: reconcileReads.reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0),
        schedulerList: reconcile.filter((call) => call.operation === 'ListSchedules').length,
      },
      activeDays: 30 + 730,
      exitItemWriteUnits: exitWrites.at(-1)?.capacityUnits ?? 0,
    };
  } finally {
    recorder.stop();
    await stack.stop();
  }
}
