import { readFileSync } from 'node:fs';
import { PowertoolsLog } from '../functions/adapters/powertools-log.js';
import type { Exit } from '../functions/domain/exit.js';
import { createSesEventsHandler } from '../functions/handlers/ses-events.js';
import { metricName, withMetrics } from '../functions/lambda/metrics.js';
import { RecordingScheduler } from '../test/support/recording-scheduler.js';
import { type StoredEmail, startTestStack, type TestStack } from '../test/support/test-stack.js';
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
 * - `full`: the whole sequence until the exit completes: notice, thank-you, survey, reminder and
 *   every check-in `config/sequence.ts` allows (ten, every six months): 14 emails.
 *
 * The reconciler runs after every time travel locally but once a day on AWS, whatever the number
 * of exits: its calls are kept apart (`reconcilePerRun`) and costed per exit-day.
 *
 * The stack runs at the production log level (INFO), and every byte it writes to stdout and
 * stderr while an exit's functions run is counted (`logBytes`; the reconciler's own lines left
 * out). SES events do not exist locally: one event per email is fed to the real ses-events
 * handler against the same table (`sesEvent`, per event). EMF lines are measured by publishing one
 * invocation's metric through the very wrapper the Lambdas use (`emfBytesPerInvocation`).
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
  /** Bytes the web and send-step invocations logged (Powertools JSON at INFO), EMF left out. */
  logBytes?: number;
}

/** One SES event through ses-events, measured as an average over one event per email sent. */
export interface SesEventCalls {
  reads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
  /** Status index write units, modelled as for the exit's own writes. */
  indexWriteUnits: number;
  logBytes: number;
}

export interface ApiCallsResult {
  fourEmails: CallCounts;
  twoYears: CallCounts;
  /** The whole sequence, until the exit completes (14 emails with the default sequence). */
  full?: CallCounts;
  /** One reconciler run over this one active exit. */
  reconcilePerRun: { dynamodbReads: number; readUnits: number; schedulerList: number };
  /** Days the exit is active in the measured window: 30 days' notice, then two years. */
  activeDays: number;
  /** Days from the request until the exit completed (the `full` view). */
  fullActiveDays?: number;
  sesEvent?: SesEventCalls;
  /** One EMF line as each function publishes it per invocation, in bytes. */
  emfBytesPerInvocation?: { web: number; sendStep: number; sesEvents: number };
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
  const own = calls.filter((call) => call.origin !== 'reconcile' && call.origin !== 'ses-events');
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

/** Counts the bytes this process writes to stdout and stderr, and keeps them off the terminal. */
function captureOutput(): { bytes(): number; stop(): void } {
  let bytes = 0;
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    bytes: () => bytes,
    stop() {
      streams.forEach((stream, i) => {
        const original = originals[i];
        if (original) stream.write = original;
      });
    },
  };
}

/** Bytes of the EMF line one invocation publishes, through the Lambdas' own wrapper. */
async function emfBytes(counts: Record<string, number>): Promise<number> {
  const output = captureOutput();
  try {
    await withMetrics(
      async () => undefined,
      () => counts,
    )(undefined);
    return output.bytes();
  } finally {
    output.stop();
  }
}

const SES_EVENT = JSON.parse(
  readFileSync(new URL('../test/fixtures/ses/bounce-transient.json', import.meta.url), 'utf8'),
) as { detail: { mail: { messageId: string; tags: Record<string, string[]> } } };

export async function measureApiCalls(): Promise<ApiCallsResult> {
  const emfBytesPerInvocation = {
    web: await emfBytes({ Http2xx: 1 }),
    sendStep: await emfBytes({ [metricName('Step', 'sent')]: 1 }),
    sesEvents: await emfBytes({ [metricName('EmailEvent', 'recorded')]: 1 }),
  };
  const recorder = recordAwsCalls();
  // The production log level (the CDK sets INFO on every function).
  const stack = await startTestStack({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  const output = captureOutput();
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

    // Bytes logged by the exit's own invocations: everything written, less the reconciler's
    // lines (one run per time travel, measured alone below) and the SES events' lines.
    let travels = 0;
    let sesEventBytes = 0;
    const travelled = async (days: number) => {
      travels += 1;
      return (await travel(stack, days)).fired;
    };
    const sesEvents = createSesEventsHandler({
      store: stack.stack.store,
      scheduler: new RecordingScheduler({ exists: true }),
      clock: { now: () => new Date() },
      log: new PowertoolsLog(),
      suppressionKey: stack.stack.secrets.FAREWELL_SUPPRESSION_KEY,
    });
    let eventsFed = 0;
    // One SES event per email, as EventBridge would deliver it: fed once the exit's own figures
    // are counted, since each grows the exit item (and so the units of its later writes); the
    // item is then at its largest, so the per-event units are an upper bound.
    const feedSesEvents = async (emails: StoredEmail[]) => {
      const before = output.bytes();
      for (const email of emails.slice(eventsFed)) {
        const event = structuredClone(SES_EVENT);
        event.detail.mail.messageId = email.messageId;
        event.detail.mail.tags = { ...event.detail.mail.tags, exit: [exitId] };
        await sesEvents(event);
      }
      eventsFed = emails.length;
      sesEventBytes += output.bytes() - before;
    };

    // Until the reminder: the notice is sent 30 days before the effective date, the reminder
    // about 12 days after it.
    let sendSteps = 1 + (await travelled(60));
    const fourEmailBytes = output.bytes();
    const fourEmailTravels = travels;
    const fourEmails = count(
      [...recorder.calls],
      (await stack.emailsTo(address)).length,
      { web: 1, sendStep: sendSteps },
      await exit(),
    );
    if (fourEmails.emails !== 4) throw new Error(`Expected 4 emails, got ${fourEmails.emails}`);

    sendSteps += await travelled(730 - 60);
    const calls = [...recorder.calls];
    const twoYearBytes = output.bytes() - sesEventBytes;
    const twoYearTravels = travels;
    const twoYears = count(
      calls,
      (await stack.emailsTo(address)).length,
      { web: 1, sendStep: sendSteps },
      await exit(),
    );

    // The rest of the sequence, a year at a time, until the exit completes.
    let fullActiveDays = 730;
    while ((await exit()).status !== 'completed' && fullActiveDays < 730 + 10 * 365) {
      sendSteps += await travelled(365);
      fullActiveDays += 365;
    }
    if ((await exit()).status !== 'completed') throw new Error('The sequence did not end');
    const fullBytes = output.bytes() - sesEventBytes;
    const fullTravels = travels;
    const full = count(
      [...recorder.calls],
      (await stack.emailsTo(address)).length,
      { web: 1, sendStep: sendSteps },
      await exit(),
    );
    await feedSesEvents(await stack.emailsTo(address));
    const sesCalls = recorder.calls.filter((call) => call.origin === 'ses-events');

    // One reconciler run on its own: a time travel of zero days runs nothing else.
    recorder.calls.length = 0;
    const beforeReconcile = output.bytes();
    await travel(stack, 0);
    const reconcileBytes = output.bytes() - beforeReconcile;
    const reconcile = recorder.calls.filter((call) => call.origin === 'reconcile');
    const reconcileReads = reconcile.filter(
      (call) => call.service === 'DynamoDB' && READS.has(call.operation),
    );

    const exitWrites = calls.filter(
      (call) => call.key === `exit#${exitId}` && WRITES.has(call.operation),
    );
    const withLogs = (counts: CallCounts, bytes: number, runs: number): CallCounts => ({
      ...counts,
      logBytes: Math.max(0, bytes - runs * reconcileBytes),
    });
    const per = (value: number) => Math.round((value / Math.max(1, eventsFed)) * 100) / 100;
    const sesUnits = (list: AwsCall[]) =>
      list.reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0);
    const sesWrites = sesCalls.filter((c) => c.service === 'DynamoDB' && WRITES.has(c.operation));
    const sesReads = sesCalls.filter((c) => c.service === 'DynamoDB' && READS.has(c.operation));

    return {
      fourEmails: withLogs(fourEmails, fourEmailBytes, fourEmailTravels),
      twoYears: withLogs(twoYears, twoYearBytes, twoYearTravels),
      full: withLogs(full, fullBytes, fullTravels),
      reconcilePerRun: {
        dynamodbReads: reconcileReads.length,
        readUnits: reconcileReads.reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0),
        schedulerList: reconcile.filter((call) => call.operation === 'ListSchedules').length,
      },
      activeDays: 30 + 730,
      fullActiveDays: 30 + fullActiveDays,
      exitItemWriteUnits: exitWrites.at(-1)?.capacityUnits ?? 0,
      sesEvent: {
        reads: per(sesReads.length),
        writes: per(sesWrites.length),
        readUnits: per(sesUnits(sesReads)),
        writeUnits: per(sesUnits(sesWrites)),
        indexWriteUnits: per(sesUnits(sesWrites.filter((c) => c.key?.startsWith('exit#')))),
        logBytes: per(sesEventBytes),
      },
      emfBytesPerInvocation,
    };
  } finally {
    output.stop();
    recorder.stop();
    await stack.stop();
  }
}
