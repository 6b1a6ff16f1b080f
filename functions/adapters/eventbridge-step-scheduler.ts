import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { TransientError } from '../domain/errors.js';
import type { Clock, ScheduleResult, StepEvent, StepScheduler } from '../domain/ports.js';

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
  /**
   * Scheduler's flexible time window: a planned step fires at some moment within this many
   * minutes after its time, so the steps all planned for 10:00 reach SES spread out instead of in
   * one burst. Unset or 0: every step fires at its exact time.
   */
  sendWindowMinutes?: number;
  clock: Clock;
}

const SCHEDULE_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

/**
 * The schedule name of a step: deterministic, so creating it twice is a conflict, not a duplicate.
 * Exit ids contain no `-`, so no two (exit, step) pairs give the same name.
 */
const NAME_PREFIX = 'fw-';

export function scheduleName(exitId: string, stepId: string): string {
  const name = `${NAME_PREFIX}${exitId}-${stepId}`;
  if (!SCHEDULE_NAME.test(name)) {
    throw new Error('exit and step ids give an invalid schedule name (max 64 of [0-9a-zA-Z-_.])');
  }
  return name;
}

/** The exit and step a schedule name stands for; the exit id is everything up to the first `-`. */
export function parseScheduleName(name: string): { exitId: string; stepId: string } | undefined {
  const match = name.match(/^fw-([0-9a-zA-Z_.]+)-([0-9a-zA-Z-_]+)$/);
  return match?.[1] && match[2] ? { exitId: match[1], stepId: match[2] } : undefined;
}

/**
 * Scheduler keeps times with 60 s precision and would leave a one-time schedule in the past to
 * chance, so a step is never asked for sooner than this after now.
 */
const MINIMUM_LEAD_MS = 2_000;

/**
 * A one-time schedule this far past the end of its window has not fired and will not: it needs
 * repair.
 */
const STUCK_AFTER_MS = 10 * 60_000;

/** The first email says the engagement ends: it goes at the time it was asked for, never later. */
const EXACT_STEP = 'notice';

/** The time an `at(yyyy-mm-ddThh:mm:ss)` expression names, read as UTC (we only write UTC). */
function parseAt(expression: string | undefined): number | undefined {
  const match = expression?.match(/^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/);
  return match?.[1] ? Date.parse(`${match[1]}Z`) : undefined;
}

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

  /**
   * Creates the step's schedule. When one with the same name exists it is kept if it asks for the
   * same step at the same due time and is not stuck in the past; otherwise it is updated, so a
   * rescheduled step or a schedule that never fired is repaired by scheduling it again.
   */
  async schedule(exitId: string, stepId: string, at: Date): Promise<ScheduleResult> {
    const name = scheduleName(exitId, stepId);
    const { options } = this;
    const now = options.clock.now().getTime();
    const time = new Date(Math.floor(Math.max(at.getTime(), now + MINIMUM_LEAD_MS) / 1000) * 1000);
    const event: StepEvent = { exitId, stepId, dueAt: at.toISOString() };
    // Only a step planned ahead is spread: one asked for now (send now, a repair of an overdue
    // step) was already moved to now on purpose and goes at once.
    const windowMinutes = options.sendWindowMinutes ?? 0;
    const spread =
      windowMinutes > 0 && stepId !== EXACT_STEP && at.getTime() > now + MINIMUM_LEAD_MS;
    const definition = {
      Name: name,
      GroupName: options.groupName,
      Description: `Farewell step ${stepId}`,
      ScheduleExpression: atExpression(time),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: spread
        ? { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: windowMinutes }
        : { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
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
    };
    // A concurrent pause or a firing can delete the schedule between our create conflict and the
    // read; then it is simply created again (a few rounds, each one needs a competing writer).
    for (let round = 0; round < 5; round += 1) {
      try {
        await this.client.send(new CreateScheduleCommand(definition));
        return 'created';
      } catch (error) {
        if (!(error instanceof ConflictException)) {
          throw new TransientError(`Could not create schedule ${name} (${errorName(error)})`, {
            cause: error,
          });
        }
      }
      try {
        const existing = await this.client.send(
          new GetScheduleCommand({ Name: name, GroupName: options.groupName }),
        );
        const existingAt = parseAt(existing.ScheduleExpression);
        const window = (existing.FlexibleTimeWindow?.MaximumWindowInMinutes ?? 0) * 60_000;
        const stuck = existingAt !== undefined && existingAt + window < now - STUCK_AFTER_MS;
        if (existing.Target?.Input === definition.Target.Input && !stuck) return 'unchanged';
        await this.client.send(new UpdateScheduleCommand(definition));
        return 'updated';
      } catch (error) {
        if (error instanceof ResourceNotFoundException) continue;
        throw new TransientError(`Could not repair schedule ${name} (${errorName(error)})`, {
          cause: error,
        });
      }
    }
    throw new TransientError(`Schedule ${name} kept vanishing while being repaired`);
  }

  async exists(exitId: string, stepId: string): Promise<boolean> {
    const name = scheduleName(exitId, stepId);
    try {
      await this.client.send(
        new GetScheduleCommand({ Name: name, GroupName: this.options.groupName }),
      );
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return false;
      throw new TransientError(`Could not read schedule ${name} (${errorName(error)})`, {
        cause: error,
      });
    }
  }

  async listScheduled(): Promise<Set<string>> {
    const keys = new Set<string>();
    let nextToken: string | undefined;
    do {
      let page: ListSchedulesCommandOutput;
      try {
        page = await this.client.send(
          new ListSchedulesCommand({
            GroupName: this.options.groupName,
            NamePrefix: NAME_PREFIX,
            MaxResults: 100,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (error) {
        throw new TransientError(`Could not list schedules (${errorName(error)})`, {
          cause: error,
        });
      }
      for (const schedule of page.Schedules ?? []) {
        const parsed = schedule.Name ? parseScheduleName(schedule.Name) : undefined;
        if (parsed) keys.add(`${parsed.exitId}/${parsed.stepId}`);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return keys;
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
