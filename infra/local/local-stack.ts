import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../functions/adapters/dynamo-table.js';
import { buildDependencies } from '../../functions/composition-root.js';
import { loadConfig } from '../../functions/config.js';
import type { ScryptParams } from '../../functions/domain/passwords.js';
import type { ExitStore } from '../../functions/domain/ports.js';
import { reconcile } from '../../functions/domain/use-cases/reconcile.js';
import { previewRoute } from '../../functions/handlers/email-previews.js';
import { createScheduledHandler } from '../../functions/handlers/scheduled.js';
import { createWebHandler } from '../../functions/handlers/web.js';
import { asyncInvoker, LAMBDA_RETRY_DELAYS_MS } from './async-invoke.js';
import { publicSettings, removeEndpoints, SECRETS_FILE, writeEndpoints } from './endpoints-file.js';
import { startGateway } from './http-gateway.js';
import { ensureLocalOperator, type LocalOperator } from './local-operator.js';
import { type LocalSecrets, localSecrets } from './local-secrets.js';
import { startLocalStore } from './local-store.js';
import { startSchedulerEmulator } from './scheduler-emulator.js';
import { oneAtATime, timeTravel, timeTravelRoute } from './time-travel.js';
import { VirtualClock } from './virtual-clock.js';

const require = createRequire(import.meta.url);

export interface LocalStackOptions {
  host?: string;
  port: number;
  sesPort: number;
  dataDir: string;
  env: Record<string, string | undefined>;
  /** Cheaper scrypt parameters for tests. */
  passwordParams?: ScryptParams;
  /**
   * The SES endpoint the functions call, when not the local inbox itself: a test puts a
   * fault-injecting proxy in front of the inbox here.
   */
  sesEndpoint?: string;
}

export interface LocalStack {
  appUrl: string;
  sesUrl: string;
  secrets: LocalSecrets;
  /** Secrets that were not in the environment and were generated (or reused from the data folder). */
  generated: (keyof LocalSecrets)[];
  /** The store the handlers use, for tests and local tooling. */
  store: ExitStore;
  /** The first operator, for the banner. */
  operator: LocalOperator;
  /** The data folder; it holds `endpoints.json` while the stack runs (see `farewell --local`). */
  dataDir: string;
  stop(): Promise<void>;
}

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';

function close(server: Pick<Server, 'close'>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Runs Farewell on one machine: dynalite (in memory, snapshot in the data folder), aws-ses-v2-local (inbox), our Scheduler
 * emulator and an HTTP gateway, all on loopback, around the very handlers the Lambdas run. Only
 * endpoints differ from AWS (the SDK's `AWS_ENDPOINT_URL_*`), plus the virtual clock.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    // dynalite in memory, kept in the data folder as a snapshot (see local-store.ts for why).
    const dynamo = await startLocalStore({ host, dataDir: options.dataDir });
    const dynamoPort = dynamo.port;
    stops.push(() => dynamo.stop());

    const sesLocal = (
      require('aws-ses-v2-local') as {
        default: (config: { host: string; port: number }) => Promise<Server>;
      }
    ).default;
    const ses = await sesLocal({ host, port: options.sesPort });
    stops.push(() => close(ses));
    const sesUrl = `http://${host}:${(ses.address() as AddressInfo).port}`;

    const clock = new VirtualClock(join(options.dataDir, 'clock.json'));
    const { secrets, generated } = localSecrets(options.env, join(options.dataDir, SECRETS_FILE));
    const sendStepArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:farewell-send-step`;
    let sendStep: ((event: unknown) => Promise<unknown>) | undefined;
    const sendStepAsync = asyncInvoker(
      async (event) => {
        if (!sendStep) throw new Error('the send-step handler is not ready');
        await sendStep(event);
      },
      {
        retryDelaysMs: LAMBDA_RETRY_DELAYS_MS,
        // A minute after the failure in the sequence's time: time travel runs retries on its way.
        clock,
        // The event names the exit and step only; it is still kept out of the log, as on AWS.
        // The first failure is the emulator's to report (it names the schedule).
        onFailure: (_error, attempt, final) => {
          if (attempt === 1) return;
          console.error(
            `Local Lambda: send-step retry ${attempt - 1} failed${final ? '; no retry left (on AWS the event goes to the dead-letter queue and the reconciler repairs the step)' : ''}`,
          );
        },
      },
    );
    const scheduler = await startSchedulerEmulator({
      host,
      clock,
      storeFile: join(options.dataDir, 'schedules.json'),
      invoke: async (targetArn, input) => {
        if (targetArn !== sendStepArn) throw new Error('unknown schedule target');
        await sendStepAsync.invoke(JSON.parse(input));
      },
    });
    stops.push(() => scheduler.stop());
    // Runs before the emulator stops: a retry in flight may still call it.
    stops.push(() => sendStepAsync.stop());

    // Local mode changes endpoints only; the credentials are placeholders that never leave loopback.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: `http://${host}:${dynamoPort}`,
      AWS_ENDPOINT_URL_SESV2: options.sesEndpoint ?? sesUrl,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
      // Local mode supports the Node it runs on; the Lambdas run on the newest runtime.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    const gatewayHost = host;
    const settings = {
      FAREWELL_TABLE_NAME: 'farewell-local',
      FAREWELL_PUBLIC_URL: `http://${gatewayHost}:${options.port}`,
      FAREWELL_FIRM_NAME: 'Northwind Consulting',
      FAREWELL_SENDER_EMAIL: 'hello@northwind.example',
      FAREWELL_SIGNATURE: 'Sam Rivera, Northwind Consulting',
      // Survey answers that need attention land in the local inbox too.
      FAREWELL_OPERATOR_EMAIL: 'sam@northwind.example',
      FAREWELL_SEND_STEP_ARN: sendStepArn,
      FAREWELL_SCHEDULER_ROLE_ARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/farewell-scheduler`,
      ...options.env,
    };
    const config = loadConfig({ ...settings, ...secrets });
    await ensureTable(new DynamoDBClient({}), config.FAREWELL_TABLE_NAME);

    const deps = buildDependencies(config, {
      clock,
      ...(options.passwordParams ? { passwordParams: options.passwordParams } : {}),
    });
    // Hashing takes a quarter of a second: it runs while the rest of the stack comes up.
    // The first operator is the local operator address (FAREWELL_OPERATOR_EMAIL) when there is one.
    const operator = ensureLocalOperator(
      deps.operators,
      settings,
      secrets.FAREWELL_OPERATOR_PASSWORD,
    );
    operator.catch(() => undefined);
    sendStep = createScheduledHandler(deps.sendStep, deps.digest);
    const runReconciler = async () => (await reconcile(deps.reconcile)).schedulesRepaired;
    const travel = oneAtATime((days: number) =>
      timeTravel(clock, scheduler, days, runReconciler, sendStepAsync),
    );
    // The console's local tools: only here, never in the Lambda's dependencies.
    const web = createWebHandler({
      ...deps.web,
      console: {
        ...deps.web.console,
        localTools: { inboxUrl: sesUrl, previewsUrl: '/__local/previews', timeTravel: travel },
      },
    });
    // On AWS the reconciler runs daily; locally at start, so nothing missed while stopped is lost.
    await runReconciler();

    const gateway = await startGateway({
      host: gatewayHost,
      port: options.port,
      handler: web,
      localRoutes: {
        '/__local/previews': previewRoute(deps.sendStep.renderer, clock),
        '/__local/time-travel': timeTravelRoute(travel, gatewayHost),
      },
    });
    stops.push(() => close(gateway.server));
    const first = await operator;
    writeEndpoints(options.dataDir, {
      pid: process.pid,
      appUrl: gateway.url,
      sesUrl,
      region: LOCAL_REGION,
      aws: {
        AWS_ENDPOINT_URL_DYNAMODB: `http://${host}:${dynamoPort}`,
        AWS_ENDPOINT_URL_SESV2: sesUrl,
        AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
      },
      settings: publicSettings(settings),
      clockFile: join(options.dataDir, 'clock.json'),
    });
    stops.push(async () => removeEndpoints(options.dataDir));
    return {
      appUrl: gateway.url,
      sesUrl,
      secrets,
      generated,
      store: deps.web.store,
      operator: first,
      dataDir: options.dataDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
