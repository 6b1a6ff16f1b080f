import {
  ConflictException,
  CreateScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { DigestEvent, DigestScheduler } from '../domain/digest-ports.js';
import { TransientError } from '../domain/errors.js';
import type { Clock, ScheduleResult } from '../domain/ports.js';

export interface EventBridgeDigestSchedulerOptions {
  groupName: string;
  /** The send-step function: it tells a digest event from a step event. */
  targetArn: string;
  roleArn: string;
  deadLetterArn?: string;
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
  clock: Clock;
}

/**
 * `fwd-`, not `fw-`: the reconciler lists `fw-` schedules as steps, and a digest is none.
 * The operator key is a hash, so no address reaches a schedule name.
 */
export function digestScheduleName(operatorKey: string, day: string): string {
  return `fwd-${operatorKey}-${day.replaceAll('-', '')}`;
}

const MINIMUM_LEAD_MS = 2_000;

/** DigestScheduler on EventBridge Scheduler: one one-time schedule per operator and day. */
export class EventBridgeDigestScheduler implements DigestScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeDigestSchedulerOptions,
  ) {}

  async scheduleDigest(operatorKey: string, day: string, at: Date): Promise<ScheduleResult> {
    const { options } = this;
    const name = digestScheduleName(operatorKey, day);
    const time = Math.max(at.getTime(), options.clock.now().getTime() + MINIMUM_LEAD_MS);
    const event: DigestEvent = { digest: { operator: operatorKey, day } };
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: options.groupName,
          Description: `Farewell operator digest ${day}`,
          ScheduleExpression: `at(${new Date(Math.floor(time / 1000) * 1000).toISOString().slice(0, 19)})`,
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
      return 'created';
    } catch (error) {
      // The day's schedule exists: its name says which day, and the day says when.
      if (error instanceof ConflictException) return 'unchanged';
      throw new TransientError(
        `Could not create schedule ${name} (${error instanceof Error ? error.name : 'Unknown'})`,
        { cause: error },
      );
    }
  }
}
