/**
 * Reconcile cost at 10k and 100k active exits, against AWS's DynamoDB Local (in memory): run time,
 * DynamoDB calls and the read and write units it reports, Scheduler calls (counted by an
 * in-memory scheduler: every schedule exists, so nothing needs repair and each call is one API
 * call). Beside it, the algorithm before the `byReconcileAt` index (list every schedule, read
 * every active exit) at 10k.
 *
 * A realistic day: every active exit waits for one step (a check-in months away for most); 1 % of
 * them need a look, a step due within the day (about what 1,000 new exits a day and their steps
 * give at 100k active). 100k with only 100 due shows the cost follows the exits due, not stored.
 *
 * DynamoDB Local listens on every interface, so `measureReconcileScale` runs this file in a
 * private network namespace (`unshare -rn`, loopback only). Alone: `npx tsx bench/reconcile-scale.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { exitToItem } from '../functions/adapters/dynamo-exit-mapping.js';
import { DynamoExitStore } from '../functions/adapters/dynamo-exit-store.js';
import { ensureTable, exitKey } from '../functions/adapters/dynamo-table.js';
import type { Exit, Step } from '../functions/domain/exit.js';
import { nothingLeftToSend } from '../functions/domain/exit-changes.js';
import type { ExitStore, ScheduleResult, StepScheduler } from '../functions/domain/ports.js';
import { type ReconcileReport, reconcile } from '../functions/domain/use-cases/reconcile.js';
import { buildExit } from '../test/support/exit-fixture.js';
import { startDynalite } from '../test/support/local-services.js';
import { silentLog } from '../test/support/silent-log.js';

export interface ReconcileScaleRun {
  variant: 'due-index' | 'list-everything';
  stored: number;
  due: number;
  ms: number;
  exitsChecked: number;
  dynamoCalls: number;
  readUnits: number;
  writeUnits: number;
  schedulerCalls: number;
}

export interface ReconcileScale {
  dueFraction: number;
  seedSeconds: number;
  runs: ReconcileScaleRun[];
}

const NOW = new Date('2026-06-01T06:00:00.000Z');
const DAY = 24 * 60 * 60_000;
const FILE = fileURLToPath(import.meta.url);

/** Runs the measurement in a private network namespace; answers its result. */
export async function measureReconcileScale(timeoutMs = 600_000): Promise<ReconcileScale> {
  const dir = mkdtempSync(join(tmpdir(), 'farewell-reconcile-scale-'));
  const out = join(dir, 'result.json');
  try {
    const node = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(FILE)}`;
    await promisify(execFile)(
      'unshare',
      ['-rn', 'bash', '-c', `ip link set lo up && exec ${node} --out ${JSON.stringify(out)}`],
      {
        cwd: join(FILE, '..', '..'),
        env: {
          ...process.env,
          FAREWELL_TEST_DYNAMODB: 'dynamodb-local',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return JSON.parse(readFileSync(out, 'utf8')) as ReconcileScale;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** DynamoDB calls and consumed units, counted by a middleware on the client. */
interface Meter {
  calls: number;
  readUnits: number;
  writeUnits: number;
}

const WRITES = new Set(['UpdateItemCommand', 'PutItemCommand', 'BatchWriteItemCommand']);

function meteredClient(
  endpoint: string,
  meter: Meter,
): { client: DynamoDBClient; documents: DynamoDBDocumentClient } {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      meter.calls += 1;
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      if (WRITES.has(context.commandName ?? '')) meter.writeUnits += units;
      else meter.readUnits += units;
      return result;
    },
    { step: 'initialize', name: 'benchMeter' },
  );
  const marshallOptions = { removeUndefinedValues: true };
  return { client, documents: DynamoDBDocumentClient.from(client, { marshallOptions }) };
}

/** Every schedule exists; each call counted as the one Scheduler API call it would be. */
class CountingScheduler implements StepScheduler {
  calls = 0;
  constructor(private readonly names: () => string[]) {}
  async schedule(): Promise<ScheduleResult> {
    this.calls += 2; // CreateSchedule conflicts, GetSchedule finds it as asked
    return 'unchanged';
  }
  async exists(): Promise<boolean> {
    this.calls += 1; // GetSchedule
    return true;
  }
  async listScheduled(): Promise<Set<string>> {
    const names = this.names();
    this.calls += Math.max(1, Math.ceil(names.length / 100)); // ListSchedules, 100 a page
    return new Set(names);
  }
  async cancel(): Promise<void> {
    this.calls += 1;
  }
}

/** The reconciler before the index (list every schedule, read every active exit), as baseline. */
async function listEverything(store: ExitStore, scheduler: StepScheduler): Promise<number> {
  const scheduled = await scheduler.listScheduled();
  let checked = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listByStatus('active', { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const exit of page.exits) {
      checked += 1;
      if (nothingLeftToSend(exit)) continue;
      for (const step of Object.values(exit.steps)) {
        if (step.state !== 'scheduled') continue;
        const overdue = Date.parse(step.dueAt) < NOW.getTime() - 15 * 60_000;
        if (!scheduled.has(`${exit.id}/${step.id}`) || overdue) {
          await scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
        }
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return checked;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Exit `n`: all sent but one check-in, due within the day when `due`, else 30–180 days on. */
function seedExit(n: number, due: boolean): Record<string, unknown> {
  const base = buildExit({ id: `x${n.toString(16).padStart(24, '0')}` });
  const dueAt = due ? NOW.getTime() + (n % 720) * 60_000 : NOW.getTime() + (30 + (n % 150)) * DAY;
  const steps: Record<string, Step> = {};
  for (const step of Object.values(base.steps)) {
    steps[step.id] =
      step.id === 'check-in-1'
        ? { ...step, dueAt: iso(dueAt) }
        : { ...step, state: 'sent', sentAt: step.dueAt, messageId: `m-${n}`, attempts: 1 };
  }
  const exit: Exit = {
    ...base,
    steps,
    timeline: Object.values(steps).map((s) => ({ at: s.dueAt, event: 'step.sent', stepId: s.id })),
  };
  // The mark as the reconciler left it: the day before the check-in.
  return { ...exitToItem(exit), gsi3sk: iso(dueAt - DAY) };
}

/** Exits `from` to `to` (excluded); every `dueEvery`-th needs a look today. */
async function seed(
  documents: DynamoDBDocumentClient,
  table: string,
  range: { from: number; to: number; dueEvery?: number },
) {
  const batches: Record<string, unknown>[][] = [];
  for (let n = range.from; n < range.to; n += 25) {
    batches.push(
      Array.from({ length: Math.min(25, range.to - n) }, (_, i) =>
        seedExit(n + i, range.dueEvery !== undefined && (n + i) % range.dueEvery === 0),
      ),
    );
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let items = (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } }));
      while (items.length > 0) {
        const result = await documents.send(
          new BatchWriteCommand({ RequestItems: { [table]: items } }),
        );
        items = (result.UnprocessedItems?.[table] ?? []) as typeof items;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Brings these exits' check-in within the day, marked for a look. */
async function makeDue(documents: DynamoDBDocumentClient, table: string, ids: number[]) {
  for (const n of ids) {
    const id = `x${n.toString(16).padStart(24, '0')}`;
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: exitKey(id),
        UpdateExpression: 'SET #mark = :mark, #steps.#step.#due = :due',
        ExpressionAttributeNames: {
          '#mark': 'gsi3sk',
          '#steps': 'steps',
          '#step': 'check-in-1',
          '#due': 'dueAt',
        },
        ExpressionAttributeValues: {
          ':mark': iso(NOW.getTime() - 60_000),
          ':due': iso(NOW.getTime() + 3 * 60 * 60_000),
        },
      }),
    );
  }
}

async function main(out: string): Promise<void> {
  const dynamo = await startDynalite();
  const meter: Meter = { calls: 0, readUnits: 0, writeUnits: 0 };
  const { client, documents } = meteredClient(dynamo.endpoint, meter);
  const runs: ReconcileScaleRun[] = [];
  let seedMs = 0;
  const measure = async (
    variant: ReconcileScaleRun['variant'],
    stored: number,
    due: number,
    run: (scheduler: CountingScheduler) => Promise<number>,
    names: () => string[] = () => [],
  ) => {
    const scheduler = new CountingScheduler(names);
    Object.assign(meter, { calls: 0, readUnits: 0, writeUnits: 0 });
    const started = performance.now();
    const exitsChecked = await run(scheduler);
    runs.push({
      variant,
      stored,
      due,
      ms: Math.round(performance.now() - started),
      exitsChecked,
      dynamoCalls: meter.calls,
      readUnits: Math.round(meter.readUnits * 10) / 10,
      writeUnits: Math.round(meter.writeUnits * 10) / 10,
      schedulerCalls: scheduler.calls,
    });
    process.stderr.write(`reconcile-scale: ${JSON.stringify(runs.at(-1))}\n`);
  };
  const indexed = (store: ExitStore) => async (scheduler: CountingScheduler) => {
    const report: ReconcileReport = await reconcile({
      store,
      scheduler,
      clock: { now: () => NOW },
      log: silentLog,
      budgetMs: 240_000,
    });
    return report.exitsChecked;
  };
  try {
    // One table: 10k exits (1 % due), measured both ways; then 90k more, and at 100k first the
    // same 100 due as at 10k, then 1 % (1,000).
    const table = 'farewell-scale';
    await ensureTable(client, table);
    const store = new DynamoExitStore(documents, table);
    let started = performance.now();
    await seed(documents, table, { from: 0, to: 10_000, dueEvery: 100 });
    seedMs += performance.now() - started;
    const names = () =>
      Array.from({ length: 10_000 }, (_, n) => `x${n.toString(16).padStart(24, '0')}/check-in-1`);
    await measure('list-everything', 10_000, 100, (s) => listEverything(store, s), names);
    await measure('due-index', 10_000, 100, indexed(store));

    started = performance.now();
    await seed(documents, table, { from: 10_000, to: 100_000 });
    seedMs += performance.now() - started;
    const exits = (count: number, offset: number) =>
      Array.from({ length: count }, (_, i) => offset + i * 97);
    await makeDue(documents, table, exits(100, 1));
    await measure('due-index', 100_000, 100, indexed(store));
    await makeDue(documents, table, exits(1_000, 2));
    await measure('due-index', 100_000, 1_000, indexed(store));
  } finally {
    await dynamo.stop();
  }
  const result: ReconcileScale = {
    dueFraction: 0.01,
    seedSeconds: Math.round(seedMs / 1000),
    runs,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] === FILE) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : undefined;
  if (out) {
    await main(out);
  } else {
    const result = await measureReconcileScale();
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}
