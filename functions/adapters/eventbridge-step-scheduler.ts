import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { TransientError } from '../domain/errors.js';
import type { Clock, StepEvent, StepScheduler } from '../domain/ports.js';

export interface EventBridgeStepSchedulerOptions {
  groupName: string;
  /** The send-step function. */
  targetArn: string;
  /** The role Scheduler assumes to invoke the target. */
  roleArn: string;
  /** Queue for events Scheduler could not deliver. */
  deadLetterArn?: string;
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
  clock: Clock;
}

const SCHEDULE_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

/**
 * The schedule name of a step: deterministic, so creating it twice is a conflict, not a duplicate.
 * Exit ids contain no `-`, so no two (exit, step) pairs give the same name.
 */
export function scheduleName(exitId: string, stepId: string): string {
  const name = `fw-${exitId}-${stepId}`;
  if (!SCHEDULE_NAME.test(name)) {
    throw new Error('exit and step ids give an invalid schedule name (max 64 of [0-9a-zA-Z-_.])');
  }
  return name;
}

/**
 * Scheduler keeps times with 60 s precision and would leave a one-time schedule in the past to
 * chance, so a step is never asked for sooner than this after now.
 */
const MINIMUM_LEAD_MS = 2_000;

/** `at()` wants local time without zone or fraction: `yyyy-mm-ddThh:mm:ss`, here in UTC. */
function atExpression(time: Date): string {
  return `at(${time.toISOString().slice(0, 19)})`;
}

/** StepScheduler on EventBridge Scheduler: one one-time schedule per step, deleted once it fired. */
export class EventBridgeStepScheduler implements StepScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeStepSchedulerOptions,
  ) {}

  async schedule(exitId: string, stepId: string, at: Date): Promise<void> {
    const name = scheduleName(exitId, stepId);
    const { options } = this;
    const earliest = options.clock.now().getTime() + MINIMUM_LEAD_MS;
    const time = new Date(Math.floor(Math.max(at.getTime(), earliest) / 1000) * 1000);
    const event: StepEvent = { exitId, stepId };
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: options.groupName,
          Description: `Farewell step ${stepId}`,
          ScheduleExpression: atExpression(time),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: options.targetArn,
            RoleArn: options.roleArn,
            Input: JSON.stringify(event),
            RetryPolicy: {
              MaximumRetryAttempts: options.maximumRetryAttempts,
              MaximumEventAgeInSeconds: options.maximumEventAgeInSeconds,
            },
            DeadLetterConfig: options.deadLetterArn ? { Arn: options.deadLetterArn } : undefined,
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConflictException) return;
      throw new TransientError(`Could not create schedule ${name} (${errorName(error)})`, {
        cause: error,
      });
    }
  }

  async cancel(exitId: string, stepId: string): Promise<void> {
    const name = scheduleName(exitId, stepId);
    try {
      await this.client.send(
        new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      throw new TransientError(`Could not delete schedule ${name} (${errorName(error)})`, {
        cause: error,
      });
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Unknown';
}
