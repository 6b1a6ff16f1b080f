import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../../functions/adapters/dynamo-table.js';
import { buildDependencies, type Dependencies } from '../../../functions/composition-root.js';
import { loadConfig } from '../../../functions/config.js';
import type { EventLog, ExitStore } from '../../../functions/domain/ports.js';
import { reconcile } from '../../../functions/domain/use-cases/reconcile.js';
import {
  createSendStepHandler,
  type SendStepHandler,
} from '../../../functions/handlers/send-step.js';
import { createWebHandler } from '../../../functions/handlers/web.js';
import { startGateway } from '../../../infra/local/http-gateway.js';
import {
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../../infra/local/scheduler-emulator.js';
import { type TimeTravelResult, timeTravel } from '../../../infra/local/time-travel.js';
import { VirtualClock } from '../../../infra/local/virtual-clock.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { startSesLocal } from '../../support/local-services.js';
import { signWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.js';
import { type AsyncInvoker, createAsyncInvoker, type Delivery } from './async-invoker.js';
import { type RestartableDynalite, startRestartableDynalite } from './restartable-dynalite.js';
import { STRESS_RULES } from './stress-rules.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const SEND_STEP_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:farewell-send-step`;

/** Counts what the use cases logged, by message; fields are dropped (they name exits). */
export class CountingLog implements EventLog {
  readonly counts = new Map<string, number>();
  private add(level: string, message: string) {
    const key = `${level}: ${message}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  info(message: string) {
    this.add('info', message);
  }
  warn(message: string) {
    this.add('warn', message);
  }
  error(message: string) {
    this.add('error', message);
  }
  count(level: string, message: string): number {
    return this.counts.get(`${level}: ${message}`) ?? 0;
  }
}

/**
 * The local stack's parts — dynalite on disk, aws-ses-v2-local, the Scheduler emulator, the HTTP
 * gateway, the virtual clock — composed like `infra/local/local-stack.ts`, with three differences
 * a fault test needs: a fault-injecting proxy in front of each AWS service (the clients' endpoints
 * point at the proxies), a dynalite that can be stopped and started again, and a send-step
 * "Lambda" whose delivery the test chooses (in process, redelivered, or in a child process), with
 * Lambda's asynchronous retries.
 */
export interface StressStack {
  appUrl: string;
  sesUrl: string;
  clock: VirtualClock;
  store: ExitStore;
  deps: Dependencies;
  log: CountingLog;
  /** The send-step handler in this process. */
  sendStep: SendStepHandler;
  scheduler: SchedulerEmulator;
  dynamo: RestartableDynalite;
  proxies: { dynamodb: FaultProxy; ses: FaultProxy; scheduler: FaultProxy };
  /** Invocations of send-step by fired schedules, with Lambda's retries. */
  invoker: AsyncInvoker;
  /** Replaces how one invocation attempt runs send-step. */
  setDelivery(delivery: Delivery): void;
  /**
   * Replaces how a fired schedule reaches send-step (by default the counted invoker above, awaited):
   * a burst hands the event to a Lambda of bounded concurrency and lets the emulator fire on.
   */
  setInvoke(invoke: (input: string) => Promise<void>): void;
  /** The environment a separate process needs to build the same dependencies. */
  childEnv: Record<string, string>;
  /** Posts a signed webhook; a 5xx or a cut connection is retried with the same id, as senders do. */
  webhook(payload: unknown, options?: { id?: string; attempts?: number }): Promise<WebhookResult>;
  /** Time travel as `POST /__local/time-travel` does it, reconciler included. */
  travel(days: number): Promise<TimeTravelResult>;
  /** Reconciler runs that threw (on AWS the next daily run tries again). */
  reconcilerFailures: number;
  stop(): Promise<void>;
}

export interface WebhookResult {
  status: number;
  exitId?: string;
  /** Answers before the last one: 5xx or network errors. */
  failures: number;
}

const SECRETS = {
  FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
  FAREWELL_LINK_KEYS: 'l'.repeat(40),
  FAREWELL_SUPPRESSION_KEY: 's'.repeat(40),
  FAREWELL_SESSION_KEY: 'k'.repeat(40),
};

export interface StressStackOptions {
  /** The clock every part reads; a virtual clock on disk by default. */
  clock?: VirtualClock;
  /** Real milliseconds between the emulator's checks for due schedules (250 by default). */
  schedulerTickMs?: number;
  /** Extra `FAREWELL_*` settings, e.g. `FAREWELL_SEND_WINDOW_MINUTES`. */
  settings?: Record<string, string>;
}

export async function startStressStack(options: StressStackOptions = {}): Promise<StressStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'farewell-stress-'));
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const dynamo = await startRestartableDynalite(join(dataDir, 'dynamodb'));
    stops.push(() => dynamo.stop());
    const ses = await startSesLocal();
    stops.push(() => ses.stop());
    const clock = options.clock ?? new VirtualClock(join(dataDir, 'clock.json'));

    let invoker: AsyncInvoker | undefined;
    let invokeTarget: ((input: string) => Promise<void>) | undefined;
    const scheduler = await startSchedulerEmulator({
      clock,
      storeFile: join(dataDir, 'schedules.json'),
      invoke: async (targetArn, input) => {
        if (targetArn !== SEND_STEP_ARN || !invoker) throw new Error('unknown schedule target');
        await (invokeTarget ? invokeTarget(input) : invoker.invoke(input));
      },
      ...(options.schedulerTickMs ? { tickMs: options.schedulerTickMs } : {}),
    });
    stops.push(() => scheduler.stop());

    // Only the exchanges the audit reads are kept: sends, and the writes that commit them.
    const dynamodbProxy = await startFaultProxy(dynamo.endpoint, {
      keep: (request) => request.operation === 'UpdateItem',
    });
    const sesProxy = await startFaultProxy(ses.endpoint);
    const schedulerProxy = await startFaultProxy(scheduler.endpoint, { keep: () => false });
    for (const proxy of [dynamodbProxy, sesProxy, schedulerProxy]) stops.push(() => proxy.stop());

    const aws = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbProxy.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesProxy.endpoint,
      AWS_ENDPOINT_URL_SCHEDULER: schedulerProxy.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    Object.assign(process.env, aws);
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    const settings = {
      FAREWELL_TABLE_NAME: 'farewell-stress',
      FAREWELL_PUBLIC_URL: 'http://127.0.0.1:3000',
      FAREWELL_FIRM_NAME: 'Northwind Consulting',
      FAREWELL_SENDER_EMAIL: 'hello@northwind.example',
      FAREWELL_SEND_STEP_ARN: SEND_STEP_ARN,
      FAREWELL_SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/farewell-scheduler`,
      ...SECRETS,
      ...options.settings,
    };
    const config = loadConfig(settings);
    const tableClient = new DynamoDBClient({ endpoint: dynamo.endpoint });
    await ensureTable(tableClient, config.FAREWELL_TABLE_NAME);
    tableClient.destroy();

    const log = new CountingLog();
    const deps = buildDependencies(config, { clock, log, rules: STRESS_RULES });
    const sendStep = createSendStepHandler(deps.sendStep);
    let delivery: Delivery = async (input) => {
      await sendStep(JSON.parse(input));
    };
    invoker = createAsyncInvoker((input) => delivery(input));

    const gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      handler: createWebHandler(deps.web),
    });
    stops.push(() => close(gateway.server));

    const stack: StressStack = {
      appUrl: gateway.url,
      sesUrl: ses.endpoint,
      clock,
      store: deps.web.store,
      deps,
      log,
      sendStep,
      scheduler,
      dynamo,
      proxies: { dynamodb: dynamodbProxy, ses: sesProxy, scheduler: schedulerProxy },
      invoker,
      setDelivery(next) {
        delivery = next;
      },
      setInvoke(next) {
        invokeTarget = next;
      },
      childEnv: {
        ...aws,
        ...settings,
        FAREWELL_CLOCK_FILE: join(dataDir, 'clock.json'),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      webhook: (payload, options = {}) => postWebhook(gateway.url, payload, options),
      async travel(days) {
        return timeTravel(clock, scheduler, days, async () => {
          try {
            return (await reconcile(deps.reconcile)).schedulesRepaired;
          } catch {
            stack.reconcilerFailures += 1;
            return 0;
          }
        });
      },
      reconcilerFailures: 0,
      stop: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function postWebhook(
  appUrl: string,
  payload: unknown,
  options: { id?: string; attempts?: number },
): Promise<WebhookResult> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const attempts = options.attempts ?? 6;
  let failures = 0;
  for (let attempt = 1; ; attempt += 1) {
    // A sender signs each delivery afresh: same id, new timestamp.
    const signed = signWebhook(payload, { id });
    try {
      const response = await fetch(`${appUrl}/webhooks/exits`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      const body = (await response.json()) as { exitId?: string };
      if (response.status < 500 || attempt >= attempts) {
        return {
          status: response.status,
          ...(body.exitId ? { exitId: body.exitId } : {}),
          failures,
        };
      }
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    failures += 1;
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}
