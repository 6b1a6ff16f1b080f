import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sequence } from '../config/sequence.js';
import { DynamoExitStore } from './adapters/dynamo-exit-store.js';
import { DynamoSendingStatus } from './adapters/dynamo-sending-status.js';
import { EventBridgeStepScheduler } from './adapters/eventbridge-step-scheduler.js';
import { PowertoolsLog } from './adapters/powertools-log.js';
import type { Config } from './config.js';
import type { ChecklistRules } from './domain/checklist-rules.js';
import type { ScryptParams } from './domain/passwords.js';
import type { Clock, EventLog, ExitStore, SendingStatus, StepScheduler } from './domain/ports.js';
import type { SequenceRules } from './domain/sequence-rules.js';

export const systemClock: Clock = { now: () => new Date() };

export interface Overrides {
  /** Local mode passes its virtual clock; production uses the system clock. */
  clock?: Clock;
  log?: EventLog;
  /** The sequence rules; `config/sequence.ts` unless a test passes its own. */
  rules?: SequenceRules;
  /** The operator's checklist; `config/checklist.ts` unless a test passes its own. */
  checklist?: ChecklistRules;
  /** Cheaper scrypt parameters for tests; `PASSWORD_PARAMS` otherwise. */
  passwordParams?: ScryptParams;
}

/** What every function uses: the table, the step schedules, the clock, the log, the rules. */
export interface Shared {
  config: Config;
  overrides: Overrides;
  clock: Clock;
  rules: SequenceRules;
  log: EventLog;
  documents: DynamoDBDocumentClient;
  store: ExitStore;
  sendingStatus: SendingStatus;
  scheduler: StepScheduler;
  /** The Scheduler client under `scheduler`, for the digest's schedules. */
  schedulerClient: SchedulerClient;
}

/**
 * Where every schedule points (send-step, through the scheduler role) and how Scheduler retries
 * it: the steps' schedules and the digest's share them.
 */
export function scheduleTarget(config: Config) {
  return {
    groupName: config.FAREWELL_SCHEDULE_GROUP,
    targetArn: config.FAREWELL_SEND_STEP_ARN,
    roleArn: config.FAREWELL_SCHEDULER_ROLE_ARN,
    ...(config.FAREWELL_SCHEDULER_DLQ_ARN
      ? { deadLetterArn: config.FAREWELL_SCHEDULER_DLQ_ARN }
      : {}),
    maximumRetryAttempts: config.FAREWELL_SCHEDULE_MAX_RETRIES,
    maximumEventAgeInSeconds: config.FAREWELL_SCHEDULE_MAX_EVENT_AGE_SECONDS,
  };
}

/**
 * The part of the composition root every function shares: DynamoDB and Scheduler clients and
 * their adapters. Endpoints come from the SDK's own `AWS_ENDPOINT_URL_*` variables, so local mode
 * changes nothing here. Each Lambda builds only this and its own part (`*-root.ts`), so a
 * function's bundle holds no client it never calls.
 */
export function buildShared(config: Config, overrides: Overrides = {}): Shared {
  const clock = overrides.clock ?? systemClock;
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const schedulerClient = new SchedulerClient({});
  const scheduler = new EventBridgeStepScheduler(schedulerClient, {
    ...scheduleTarget(config),
    ...(config.FAREWELL_SEND_WINDOW_MINUTES
      ? { sendWindowMinutes: config.FAREWELL_SEND_WINDOW_MINUTES }
      : {}),
    clock,
  });
  return {
    config,
    overrides,
    clock,
    rules: overrides.rules ?? sequence,
    log: overrides.log ?? new PowertoolsLog(),
    documents,
    store: new DynamoExitStore(documents, config.FAREWELL_TABLE_NAME),
    sendingStatus: new DynamoSendingStatus(documents, config.FAREWELL_TABLE_NAME),
    scheduler,
    schedulerClient,
  };
}
