import type { ScheduleResult, StepScheduler } from '../../functions/domain/ports.js';

/** A schedule a use case asked for. */
export interface ScheduleCall {
  exitId: string;
  stepId: string;
  at: Date;
}

/**
 * A scheduler that only records what a use case asked of it. Scheduling itself is tested against
 * the Scheduler emulator (`step-scheduler.test.ts`); use-case tests need only the requests.
 */
export class RecordingScheduler implements StepScheduler {
  /** The schedules created, in order. */
  readonly scheduled: ScheduleCall[] = [];
  /** `exitId/stepId` of the schedules deleted, in order. */
  readonly cancelled: string[] = [];

  /** `exists` answers `options.exists` for every step (no schedule exists by default). */
  constructor(private readonly options: { exists?: boolean } = {}) {}

  async schedule(exitId: string, stepId: string, at: Date): Promise<ScheduleResult> {
    this.scheduled.push({ exitId, stepId, at });
    return 'created';
  }

  async exists(): Promise<boolean> {
    return this.options.exists ?? false;
  }

  async listScheduled(): Promise<Set<string>> {
    return new Set();
  }

  async cancel(exitId: string, stepId: string): Promise<void> {
    this.cancelled.push(`${exitId}/${stepId}`);
  }

  /** `exitId/stepId@dueAt` of the schedules created, in order. */
  scheduledKeys(): string[] {
    return this.scheduled.map((s) => `${s.exitId}/${s.stepId}@${s.at.toISOString()}`);
  }

  /** Forgets every request. */
  clear(): void {
    this.scheduled.length = 0;
    this.cancelled.length = 0;
  }
}
