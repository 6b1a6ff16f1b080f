/**
 * The real parts behind the exit-control use cases, for integration tests: dynalite, our
 * Scheduler emulator (firing only when a test calls `fireDue`), the DynamoDB store and the
 * EventBridge Scheduler adapter, on a clock the test moves.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { ensureTable } from '../../functions/adapters/dynamo-table.js';
import {
  EventBridgeStepScheduler,
  scheduleName,
} from '../../functions/adapters/eventbridge-step-scheduler.js';
import { type Exit, pendingSteps } from '../../functions/domain/exit.js';
import type { Clock, StepEvent } from '../../functions/domain/ports.js';
import {
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../infra/local/scheduler-emulator.js';
import { documentClient, localDynamoClient } from './local-clients.js';
import {
  localCredentials,
  localRegion,
  type RunningService,
  startDynalite,
} from './local-services.js';

export interface ControlHarness {
  documents: DynamoDBDocumentClient;
  emulator: SchedulerEmulator;
  scheduler: EventBridgeStepScheduler;
  /** The inputs the emulator delivered, in order. */
  invoked: string[];
  /** A store on `table`, created when missing. */
  store(table: string): Promise<DynamoExitStore>;
  /** Stores `exit` and creates a schedule per pending step, as starting an exit does. */
  start(store: DynamoExitStore, exit: Exit): Promise<Exit>;
  /** Step ids that have a schedule in the emulator, sorted. */
  scheduledStepIds(exitId: string): string[];
  /** The schedule of one step, as the emulator keeps it. */
  schedule(
    exitId: string,
    stepId: string,
  ): ReturnType<SchedulerEmulator['list']>[number] | undefined;
  /** The event a step's schedule will deliver. */
  scheduledEvent(exitId: string, stepId: string): StepEvent | undefined;
  stop(): Promise<void>;
}

export async function startControlHarness(clock: Clock): Promise<ControlHarness> {
  const dynalite: RunningService = await startDynalite();
  const dynamo = localDynamoClient(dynalite.endpoint);
  const documents = documentClient(dynamo);
  const invoked: string[] = [];
  const emulator = await startSchedulerEmulator({
    clock,
    invoke: async (_arn, input) => {
      invoked.push(input);
    },
    // Only explicit fireDue calls fire: no schedule may fire behind a test's back.
    tickMs: 3_600_000,
  });
  const schedulerClient = new SchedulerClient({
    endpoint: emulator.endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  const scheduler = new EventBridgeStepScheduler(schedulerClient, {
    groupName: 'farewell',
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:send-step',
    roleArn: 'arn:aws:iam::000000000000:role/scheduler-invoke',
    maximumRetryAttempts: 3,
    maximumEventAgeInSeconds: 3600,
    clock,
  });
  const schedule = (exitId: string, stepId: string) =>
    emulator.list().find((record) => record.Name === scheduleName(exitId, stepId));

  return {
    documents,
    emulator,
    scheduler,
    invoked,
    async store(table) {
      await ensureTable(dynamo, table);
      return new DynamoExitStore(documents, table);
    },
    async start(store, exit) {
      await store.create(exit);
      for (const step of pendingSteps(exit)) {
        await scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
      }
      return exit;
    },
    scheduledStepIds(exitId) {
      const prefix = `fw-${exitId}-`;
      return emulator
        .list()
        .filter((record) => record.Name.startsWith(prefix))
        .map((record) => record.Name.slice(prefix.length))
        .sort();
    },
    schedule,
    scheduledEvent(exitId, stepId) {
      const input = schedule(exitId, stepId)?.Target.Input;
      return input ? (JSON.parse(input) as StepEvent) : undefined;
    },
    async stop() {
      schedulerClient.destroy();
      dynamo.destroy();
      await emulator.stop();
      await dynalite.stop();
    },
  };
}
