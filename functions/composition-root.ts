import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sequence } from '../config/sequence.js';
import { DynamoExitStore } from './adapters/dynamo-exit-store.js';
import { DynamoOperatorStore } from './adapters/dynamo-operator-store.js';
import { DynamoSendingStatus } from './adapters/dynamo-sending-status.js';
import { EventBridgeStepScheduler } from './adapters/eventbridge-step-scheduler.js';
import { PowertoolsLog } from './adapters/powertools-log.js';
import { SesMailer } from './adapters/ses-mailer.js';
import { buildClientPages } from './client-pages-root.js';
import type { Config } from './config.js';
import { buildConsole } from './console-root.js';
import type { ScryptParams } from './domain/passwords.js';
import type { Clock, EventLog } from './domain/ports.js';
import type { SequenceRules } from './domain/sequence-rules.js';
import type { ExitControlDeps } from './domain/use-cases/exit-controls.js';
import type { OperatorDeps } from './domain/use-cases/operators.js';
import type { ReconcileDeps } from './domain/use-cases/reconcile.js';
import type { RecordEmailEventDeps } from './domain/use-cases/record-email-event.js';
import type { SendStepDeps } from './domain/use-cases/send-step.js';
import type { StartExitDeps } from './domain/use-cases/start-exit.js';
import { WebhookVerifier } from './handlers/http/webhook-signature.js';
import type { WebDeps } from './handlers/web.js';
import { brandingFromConfig } from './rendering/branding.js';
import { HandlebarsRenderer } from './rendering/handlebars-renderer.js';

export const systemClock: Clock = { now: () => new Date() };

export interface Overrides {
  /** Local mode passes its virtual clock; production uses the system clock. */
  clock?: Clock;
  log?: EventLog;
  /** The sequence rules; `config/sequence.ts` unless a test passes its own. */
  rules?: SequenceRules;
  /** Cheaper scrypt parameters for tests; `PASSWORD_PARAMS` otherwise. */
  passwordParams?: ScryptParams;
}

export interface Dependencies {
  web: WebDeps;
  sendStep: SendStepDeps;
  reconcile: ReconcileDeps;
  /** Operators and sessions: the console's sign-in and the CLI's `operator` commands. */
  operators: OperatorDeps;
  sesEvents: RecordEmailEventDeps;
}

/**
 * Builds every client and adapter once (per cold start, or per local stack). Endpoints come from
 * the SDK's own `AWS_ENDPOINT_URL_*` variables, so local mode changes nothing here.
 */
export function buildDependencies(config: Config, overrides: Overrides = {}): Dependencies {
  const clock = overrides.clock ?? systemClock;
  const rules = overrides.rules ?? sequence;
  const log = overrides.log ?? new PowertoolsLog();
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // aws-ses-v2-local never answers actions it does not know: a timeout keeps a send from hanging.
  const ses = new SESv2Client({
    // Without throwOnRequestTimeout this SDK only warns and keeps waiting on a hung send.
    requestHandler: { requestTimeout: config.FAREWELL_SES_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  const scheduler = new SchedulerClient({});

  const store = new DynamoExitStore(documents, config.FAREWELL_TABLE_NAME);
  const sendingStatus = new DynamoSendingStatus(documents, config.FAREWELL_TABLE_NAME);
  const stepScheduler = new EventBridgeStepScheduler(scheduler, {
    groupName: config.FAREWELL_SCHEDULE_GROUP,
    targetArn: config.FAREWELL_SEND_STEP_ARN,
    roleArn: config.FAREWELL_SCHEDULER_ROLE_ARN,
    ...(config.FAREWELL_SCHEDULER_DLQ_ARN
      ? { deadLetterArn: config.FAREWELL_SCHEDULER_DLQ_ARN }
      : {}),
    maximumRetryAttempts: config.FAREWELL_SCHEDULE_MAX_RETRIES,
    maximumEventAgeInSeconds: config.FAREWELL_SCHEDULE_MAX_EVENT_AGE_SECONDS,
    ...(config.FAREWELL_SEND_WINDOW_MINUTES
      ? { sendWindowMinutes: config.FAREWELL_SEND_WINDOW_MINUTES }
      : {}),
    clock,
  });
  const senderName = config.FAREWELL_SENDER_NAME ?? config.FAREWELL_FIRM_NAME;
  const mailer = new SesMailer(ses, {
    fromEmail: config.FAREWELL_SENDER_EMAIL,
    fromName: senderName,
    ...(config.FAREWELL_REPLY_TO ? { replyTo: config.FAREWELL_REPLY_TO } : {}),
    ...(config.FAREWELL_SES_CONFIGURATION_SET
      ? { configurationSetName: config.FAREWELL_SES_CONFIGURATION_SET }
      : {}),
  });
  const renderer = new HandlebarsRenderer({
    branding: brandingFromConfig(config),
    links: { publicUrl: config.FAREWELL_PUBLIC_URL, keys: config.FAREWELL_LINK_KEYS },
    clock,
  });

  const controls: ExitControlDeps = { store, scheduler: stepScheduler, clock, log, rules };
  const startExit: StartExitDeps = {
    store,
    scheduler: stepScheduler,
    clock,
    rules,
    defaults: { timezone: rules.defaultTimezone, locale: config.FAREWELL_DEFAULT_LOCALE },
    noticeApproval: config.FAREWELL_NOTICE_APPROVAL,
  };
  const operators: OperatorDeps = {
    operators: new DynamoOperatorStore(documents, config.FAREWELL_TABLE_NAME),
    // Sessions and sign-in lockouts live in the operator's real time: local mode's time travel
    // moves the sequence, and a 90-day jump must not end the session of the person travelling.
    clock: systemClock,
    log,
    sessionKey: config.FAREWELL_SESSION_KEY,
    ...(overrides.passwordParams ? { passwordParams: overrides.passwordParams } : {}),
  };
  return {
    web: {
      store,
      log,
      verifier: new WebhookVerifier(config.FAREWELL_WEBHOOK_SECRETS),
      startExit,
      controls,
      console: buildConsole(config, {
        operators,
        controls,
        startExit,
        renderer,
        clock,
        log,
        sendingStatus,
      }),
      clientPages: buildClientPages(config, {
        store,
        scheduler: stepScheduler,
        mailer,
        alertRenderer: renderer,
        clock,
        log,
        rules,
      }),
    },
    sendStep: {
      store,
      mailer,
      renderer,
      scheduler: stepScheduler,
      clock,
      log,
      rules,
      suppressionKey: config.FAREWELL_SUPPRESSION_KEY,
      leaseSeconds: config.FAREWELL_SEND_LEASE_SECONDS,
      sendingStatus,
    },
    reconcile: { store, scheduler: stepScheduler, clock, log },
    operators,
    sesEvents: {
      store,
      scheduler: stepScheduler,
      clock,
      log,
      suppressionKey: config.FAREWELL_SUPPRESSION_KEY,
    },
  };
}
