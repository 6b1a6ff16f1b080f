import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgeStepScheduler,
  type EventBridgeStepSchedulerOptions,
  scheduleName,
} from '../../functions/adapters/eventbridge-step-scheduler.js';
import { TransientError, ValidationError } from '../../functions/domain/errors.js';
import { parseStepEvent } from '../../functions/handlers/step-event.js';
import {
  type SchedulerEmulator,
  type SchedulerEmulatorOptions,
  startSchedulerEmulator,
} from '../../infra/local/scheduler-emulator.js';
import { localCredentials, localRegion } from '../support/local-services.js';

const EXIT_ID = 'x0123456789abcdef01234567';
const OTHER_EXIT_ID = 'xfedcba9876543210fedcba98';
const TARGET_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:send-step';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/scheduler-invoke';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:send-step-dlq';
const GROUP = 'farewell';
const START = new Date('2030-01-07T09:00:00.000Z');

let now: Date;
const clock = { now: () => now };
let tempDir: string;
const stoppers: Array<() => Promise<void>> = [];
const clients: SchedulerClient[] = [];

interface Harness {
  emulator: SchedulerEmulator;
  client: SchedulerClient;
  scheduler: EventBridgeStepScheduler;
  invoked: Array<{ arn: string; input: string }>;
  /** Stops the emulator now (afterEach will not stop it again). */
  stop(): Promise<void>;
}

async function startHarness(
  overrides: Partial<SchedulerEmulatorOptions> = {},
  schedulerOptions: Partial<EventBridgeStepSchedulerOptions> = {},
): Promise<Harness> {
  const invoked: Harness['invoked'] = [];
  const emulator = await startSchedulerEmulator({
    clock,
    invoke: async (arn, input) => {
      invoked.push({ arn, input });
    },
    // Long enough that only explicit fireDue calls fire, unless a test asks for ticks.
    tickMs: 60_000,
    ...overrides,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await emulator.stop();
  };
  stoppers.push(stop);
  const client = new SchedulerClient({
    endpoint: emulator.endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  clients.push(client);
  const scheduler = new EventBridgeStepScheduler(client, {
    groupName: GROUP,
    targetArn: TARGET_ARN,
    roleArn: ROLE_ARN,
    deadLetterArn: DLQ_ARN,
    maximumRetryAttempts: 3,
    maximumEventAgeInSeconds: 3600,
    clock,
    ...schedulerOptions,
  });
  return { emulator, client, scheduler, invoked, stop };
}

function minutesAfterStart(minutes: number): Date {
  return new Date(START.getTime() + minutes * 60_000);
}

function rawSchedule(
  overrides: Partial<CreateScheduleCommandInput> = {},
): CreateScheduleCommandInput {
  return {
    Name: 'raw-schedule',
    ScheduleExpression: 'at(2030-01-07T10:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: TARGET_ARN, RoleArn: ROLE_ARN, Input: '{"raw":true}' },
    ...overrides,
  };
}

/** Sends a raw HTTP request to the emulator; resolves with status, error type and body. */
function rawRequest(
  endpoint: string,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; errorType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, endpoint), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          errorType: res.headers['x-amzn-errortype'] as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    // The server may close while a too-large body is still being written.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

beforeEach(async () => {
  now = START;
  tempDir = await mkdtemp(join(tmpdir(), 'farewell-scheduler-'));
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const stop of stoppers.splice(0)) await stop();
  await rm(tempDir, { recursive: true, force: true });
});

describe('EventBridgeStepScheduler', () => {
  it('creates a one-time UTC schedule that delivers the step event to the target', async () => {
    const { client, scheduler } = await startHarness();

    await scheduler.schedule(EXIT_ID, 'gratitude', new Date('2030-02-01T10:00:00.000Z'));

    const schedule = await client.send(
      new GetScheduleCommand({ Name: `fw-${EXIT_ID}-gratitude`, GroupName: GROUP }),
    );
    expect(schedule).toMatchObject({
      Name: `fw-${EXIT_ID}-gratitude`,
      GroupName: GROUP,
      ScheduleExpression: 'at(2030-02-01T10:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: TARGET_ARN,
        RoleArn: ROLE_ARN,
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: DLQ_ARN },
      },
    });
    expect(JSON.parse(schedule.Target?.Input ?? '')).toEqual({
      exitId: EXIT_ID,
      stepId: 'gratitude',
      dueAt: '2030-02-01T10:00:00.000Z',
    });
    expect(schedule.Description).toBe('Farewell step gratitude');
    expect(schedule.CreationDate).toEqual(START);
  });

  it('leaves the dead-letter config out when no dead-letter queue is configured', async () => {
    const { client, scheduler } = await startHarness({}, { deadLetterArn: undefined });

    await scheduler.schedule(EXIT_ID, 'survey', minutesAfterStart(60));

    const schedule = await client.send(
      new GetScheduleCommand({ Name: `fw-${EXIT_ID}-survey`, GroupName: GROUP }),
    );
    expect(schedule.Target?.DeadLetterConfig).toBeUndefined();
  });

  it('keeps one schedule when the same step is scheduled twice', async () => {
    const { emulator, scheduler } = await startHarness();

    await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(10));
    await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(10));

    expect(emulator.list().map((s) => s.Name)).toEqual([`fw-${EXIT_ID}-notice`]);
  });

  it('moves a time in the past to two seconds from now, in whole seconds', async () => {
    now = new Date('2030-01-07T09:00:00.400Z');
    const { client, scheduler } = await startHarness();

    await scheduler.schedule(EXIT_ID, 'notice', new Date('2029-12-31T00:00:00.000Z'));

    const schedule = await client.send(
      new GetScheduleCommand({ Name: `fw-${EXIT_ID}-notice`, GroupName: GROUP }),
    );
    expect(schedule.ScheduleExpression).toBe('at(2030-01-07T09:00:02)');
  });

  it('drops the milliseconds of a future time', async () => {
    const { client, scheduler } = await startHarness();

    await scheduler.schedule(EXIT_ID, 'survey', new Date('2030-03-04T10:00:00.999Z'));

    const schedule = await client.send(
      new GetScheduleCommand({ Name: `fw-${EXIT_ID}-survey`, GroupName: GROUP }),
    );
    expect(schedule.ScheduleExpression).toBe('at(2030-03-04T10:00:00)');
  });

  it('deletes the schedule of a cancelled step', async () => {
    const { emulator, scheduler } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'survey', minutesAfterStart(60));
    await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(30));

    await scheduler.cancel(EXIT_ID, 'survey');

    expect(emulator.list().map((s) => s.Name)).toEqual([`fw-${EXIT_ID}-gratitude`]);
  });

  it('treats cancelling a step without a schedule as success', async () => {
    const { scheduler } = await startHarness();

    await expect(scheduler.cancel(EXIT_ID, 'survey-reminder')).resolves.toBeUndefined();
  });

  it('wraps a failure of Scheduler in a TransientError with the cause', async () => {
    const { scheduler, stop } = await startHarness();
    await stop();

    const error = await scheduler.schedule(EXIT_ID, 'notice', START).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toBeInstanceOf(Error);
  });

  it('wraps a failed cancel in a TransientError', async () => {
    const { scheduler, stop } = await startHarness();
    await stop();

    await expect(scheduler.cancel(EXIT_ID, 'notice')).rejects.toBeInstanceOf(TransientError);
  });

  it('names schedules after the exit and the step', () => {
    expect(scheduleName(EXIT_ID, 'check-in-12')).toBe(`fw-${EXIT_ID}-check-in-12`);
  });

  it('refuses ids that would make an invalid schedule name', () => {
    expect(() => scheduleName(EXIT_ID, 'a'.repeat(40))).toThrow(/invalid schedule name/);
    expect(() => scheduleName(EXIT_ID, 'with space')).toThrow(/invalid schedule name/);
  });
});

describe('scheduler emulator firing', () => {
  describe('with a send window', () => {
    const windowed = { sendWindowMinutes: 20 };
    const windowOf = async (client: SchedulerClient, stepId: string) =>
      (
        await client.send(
          new GetScheduleCommand({ Name: `fw-${EXIT_ID}-${stepId}`, GroupName: GROUP }),
        )
      ).FlexibleTimeWindow;

    it('lets Scheduler spread a planned step over the window after its time', async () => {
      const { client, scheduler } = await startHarness({}, windowed);

      await scheduler.schedule(EXIT_ID, 'gratitude', new Date('2030-02-01T10:00:00.000Z'));

      expect(await windowOf(client, 'gratitude')).toEqual({
        Mode: 'FLEXIBLE',
        MaximumWindowInMinutes: 20,
      });
    });

    it('keeps the notice exact', async () => {
      const { client, scheduler } = await startHarness({}, windowed);

      await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(60));

      expect(await windowOf(client, 'notice')).toEqual({ Mode: 'OFF' });
    });

    it('keeps a step asked for now (send now, a repair) exact', async () => {
      const { client, scheduler } = await startHarness({}, windowed);

      await scheduler.schedule(EXIT_ID, 'survey', now);

      expect(await windowOf(client, 'survey')).toEqual({ Mode: 'OFF' });
    });

    it('is off unless configured', async () => {
      const { client, scheduler } = await startHarness();

      await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

      expect(await windowOf(client, 'gratitude')).toEqual({ Mode: 'OFF' });
    });

    it('fires a windowed step inside its window, never before its time', async () => {
      const { emulator, scheduler, invoked } = await startHarness({}, windowed);
      await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

      const firesAt = emulator.nextDueAt()?.getTime() ?? Number.NaN;

      expect(firesAt).toBeGreaterThanOrEqual(minutesAfterStart(60).getTime());
      expect(firesAt).toBeLessThan(minutesAfterStart(80).getTime());
      expect(await emulator.fireDue(new Date(firesAt - 1))).toBe(0);
      expect(await emulator.fireDue(new Date(firesAt))).toBe(1);
      expect(invoked).toHaveLength(1);
    });

    it('fires at the moment its spread picks inside the window', async () => {
      const { emulator, scheduler } = await startHarness({ windowSpread: () => 0.5 }, windowed);
      await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

      expect(emulator.nextDueAt()).toEqual(minutesAfterStart(70));
    });

    it('never fires at or after the end of the window, whatever the spread answers', async () => {
      const { emulator, scheduler } = await startHarness({ windowSpread: () => 1 }, windowed);
      await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

      expect(emulator.nextDueAt()?.getTime()).toBeLessThan(minutesAfterStart(80).getTime());
    });

    it('spreads the steps planned for one minute over the whole window', async () => {
      const { emulator, scheduler } = await startHarness({}, windowed);
      const exits = Array.from({ length: 400 }, (_, i) => `x${i.toString(16).padStart(24, '0')}`);
      for (const exitId of exits) {
        await scheduler.schedule(exitId, 'gratitude', minutesAfterStart(60));
      }

      const early = await emulator.fireDue(new Date(minutesAfterStart(60).getTime() - 1));
      const perMinute: number[] = [];
      for (let minute = 61; minute <= 80; minute += 1) {
        perMinute.push(await emulator.fireDue(minutesAfterStart(minute)));
      }

      // Nothing before the planned minute, everything by the window's end, about 20 a minute.
      expect(early).toBe(0);
      expect(perMinute.reduce((a, b) => a + b)).toBe(400);
      expect(Math.min(...perMinute)).toBeGreaterThan(5);
      expect(Math.max(...perMinute)).toBeLessThan(40);
    });

    it("keeps a schedule's moment in its window across a restart", async () => {
      const storeFile = join(tempDir, 'schedules.json');
      const first = await startHarness({ storeFile }, windowed);
      await first.scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));
      const before = first.emulator.nextDueAt();
      await first.stop();

      const second = await startHarness({ storeFile }, windowed);

      expect(second.emulator.nextDueAt()).toEqual(before);
    });

    it('does not call a schedule stuck while it may still fire inside its window', async () => {
      const { scheduler } = await startHarness({}, windowed);
      await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

      now = minutesAfterStart(60 + 25);
      const inWindow = await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));
      now = minutesAfterStart(60 + 31);
      const past = await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

      expect(inWindow).toBe('unchanged');
      expect(past).toBe('updated');
    });
  });

  it('fires a due schedule once with its target and input, then deletes it', async () => {
    const { emulator, scheduler, invoked } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));
    now = minutesAfterStart(61);

    const firstRun = await emulator.fireDue();
    const secondRun = await emulator.fireDue();

    expect([firstRun, secondRun]).toEqual([1, 0]);
    expect(invoked).toEqual([
      {
        arn: TARGET_ARN,
        input: JSON.stringify({
          exitId: EXIT_ID,
          stepId: 'gratitude',
          dueAt: minutesAfterStart(60).toISOString(),
        }),
      },
    ]);
    expect(emulator.list()).toEqual([]);
  });

  it('does not fire a schedule before its time', async () => {
    const { emulator, scheduler, invoked } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));
    now = minutesAfterStart(59);

    const fired = await emulator.fireDue();

    expect(fired).toBe(0);
    expect(invoked).toEqual([]);
    expect(emulator.nextDueAt()).toEqual(minutesAfterStart(60));
  });

  it('fires everything due until the given time, earliest first', async () => {
    const { emulator, scheduler, invoked } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'survey', minutesAfterStart(300));
    await scheduler.schedule(OTHER_EXIT_ID, 'notice', minutesAfterStart(100));
    await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(200));
    await scheduler.schedule(EXIT_ID, 'check-in-1', minutesAfterStart(400));

    const fired = await emulator.fireDue(minutesAfterStart(300));

    expect(fired).toBe(3);
    expect(invoked.map((i) => JSON.parse(i.input).stepId)).toEqual([
      'notice',
      'gratitude',
      'survey',
    ]);
    expect(emulator.list().map((s) => s.Name)).toEqual([`fw-${EXIT_ID}-check-in-1`]);
  });

  it('also fires what an invoked target schedules within the same window', async () => {
    let scheduleNext: (() => Promise<void>) | undefined;
    const { emulator, scheduler, invoked } = await startHarness({
      invoke: async (arn, input) => {
        invoked.push({ arn, input });
        await scheduleNext?.();
      },
    });
    scheduleNext = async () => {
      scheduleNext = undefined;
      await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(120));
    };
    await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(60));

    const fired = await emulator.fireDue(minutesAfterStart(180));

    expect(fired).toBe(2);
    expect(invoked.map((i) => JSON.parse(i.input).stepId)).toEqual(['notice', 'gratitude']);
  });

  it('fires a schedule created with a past time on the next background tick', async () => {
    let delivered: (input: string) => void = () => undefined;
    const delivery = new Promise<string>((resolve) => {
      delivered = resolve;
    });
    const { client } = await startHarness({
      tickMs: 10,
      invoke: async (_arn, input) => delivered(input),
    });

    await client.send(
      new CreateScheduleCommand(rawSchedule({ ScheduleExpression: 'at(2030-01-01T00:00:00)' })),
    );

    await expect(delivery).resolves.toBe('{"raw":true}');
  });

  it('completes a schedule whose target fails and reports only its name', async () => {
    const errors: Array<{ error: unknown; name: string }> = [];
    const failure = new Error('function failed');
    const { emulator, scheduler } = await startHarness({
      invoke: async () => {
        throw failure;
      },
      onError: (error, name) => errors.push({ error, name }),
    });
    await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(1));

    const fired = await emulator.fireDue(minutesAfterStart(1));

    expect(fired).toBe(1);
    expect(errors).toEqual([{ error: failure, name: `fw-${EXIT_ID}-notice` }]);
    expect(emulator.list()).toEqual([]);
  });

  it('keeps a schedule without ActionAfterCompletion DELETE but never fires it again', async () => {
    const { emulator, client, invoked } = await startHarness();
    await client.send(new CreateScheduleCommand(rawSchedule()));

    const fired = [
      await emulator.fireDue(minutesAfterStart(60)),
      await emulator.fireDue(minutesAfterStart(600)),
    ];

    expect(fired).toEqual([1, 0]);
    expect(invoked).toHaveLength(1);
    expect(emulator.list().map((s) => s.Name)).toEqual(['raw-schedule']);
    expect(emulator.nextDueAt()).toBeUndefined();
  });

  it('reads an at() time in the schedule time zone', async () => {
    const { emulator, client } = await startHarness();
    await client.send(
      new CreateScheduleCommand(
        rawSchedule({
          ScheduleExpression: 'at(2030-07-01T10:00:00)',
          ScheduleExpressionTimezone: 'Europe/Paris',
        }),
      ),
    );

    expect(emulator.nextDueAt()).toEqual(new Date('2030-07-01T08:00:00.000Z'));
  });

  it('stores rate() and cron() schedules without firing them', async () => {
    const { emulator, client, invoked } = await startHarness();
    await client.send(
      new CreateScheduleCommand(rawSchedule({ Name: 'daily', ScheduleExpression: 'rate(1 day)' })),
    );
    await client.send(
      new CreateScheduleCommand(
        rawSchedule({ Name: 'weekly', ScheduleExpression: 'cron(0 10 ? * MON *)' }),
      ),
    );

    const fired = await emulator.fireDue(new Date('2031-01-01T00:00:00.000Z'));

    expect(fired).toBe(0);
    expect(invoked).toEqual([]);
    expect(emulator.list()).toHaveLength(2);
  });

  it('does not fire a disabled schedule', async () => {
    const { emulator, client } = await startHarness();
    await client.send(new CreateScheduleCommand(rawSchedule({ State: 'DISABLED' })));

    expect(await emulator.fireDue(minutesAfterStart(600))).toBe(0);
  });
});

describe('scheduler emulator persistence', () => {
  it('keeps schedules across a restart on the same store file, and still fires them', async () => {
    const storeFile = join(tempDir, 'schedules.json');
    const first = await startHarness({ storeFile });
    await first.scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));
    await first.scheduler.schedule(EXIT_ID, 'survey', minutesAfterStart(120));
    await first.stop();

    const second = await startHarness({ storeFile });
    const listed = second.emulator.list().map((s) => s.Name);
    const fired = await second.emulator.fireDue(minutesAfterStart(60));

    expect(listed).toEqual([`fw-${EXIT_ID}-gratitude`, `fw-${EXIT_ID}-survey`]);
    expect(fired).toBe(1);
    expect(second.invoked.map((i) => JSON.parse(i.input).stepId)).toEqual(['gratitude']);
  });

  it('writes every change to the store file before answering', async () => {
    const storeFile = join(tempDir, 'schedules.json');
    const { scheduler } = await startHarness({ storeFile });

    await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(1));
    const afterCreate = JSON.parse(await readFile(storeFile, 'utf8'));
    await scheduler.cancel(EXIT_ID, 'notice');
    const afterCancel = JSON.parse(await readFile(storeFile, 'utf8'));

    expect(afterCreate.schedules).toHaveLength(1);
    expect(afterCancel.schedules).toEqual([]);
  });

  it('has a firing on the store file by the time it stops, though it writes firings later', async () => {
    const storeFile = join(tempDir, 'schedules.json');
    const { scheduler, emulator, stop } = await startHarness({ storeFile });
    await scheduler.schedule(EXIT_ID, 'notice', minutesAfterStart(1));
    await scheduler.schedule(EXIT_ID, 'gratitude', minutesAfterStart(60));

    await emulator.fireDue(minutesAfterStart(1));
    await stop();

    const stored = JSON.parse(await readFile(storeFile, 'utf8')) as {
      schedules: { Name: string }[];
    };
    expect(stored.schedules.map((s) => s.Name)).toEqual([`fw-${EXIT_ID}-gratitude`]);
  });

  it('refuses to start on a store file that is not its own', async () => {
    const storeFile = join(tempDir, 'schedules.json');
    await writeFile(storeFile, '{"something":"else"}');

    await expect(
      startSchedulerEmulator({ clock, invoke: async () => undefined, storeFile }),
    ).rejects.toThrow(/not a version 1 store/);
  });
});

describe('scheduler emulator API through the SDK', () => {
  it('lists schedules by group and name prefix, page by page', async () => {
    const { client, scheduler } = await startHarness();
    for (const step of ['notice', 'gratitude', 'survey']) {
      await scheduler.schedule(EXIT_ID, step, minutesAfterStart(60));
    }
    await scheduler.schedule(OTHER_EXIT_ID, 'notice', minutesAfterStart(60));
    await client.send(
      new CreateScheduleCommand(rawSchedule({ Name: `fw-${EXIT_ID}-other-group` })),
    );

    const first = await client.send(
      new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: `fw-${EXIT_ID}-`, MaxResults: 2 }),
    );
    const second = await client.send(
      new ListSchedulesCommand({
        GroupName: GROUP,
        NamePrefix: `fw-${EXIT_ID}-`,
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );

    expect(first.Schedules?.map((s) => s.Name)).toEqual([
      `fw-${EXIT_ID}-gratitude`,
      `fw-${EXIT_ID}-notice`,
    ]);
    expect(second.Schedules?.map((s) => s.Name)).toEqual([`fw-${EXIT_ID}-survey`]);
    expect(second.NextToken).toBeUndefined();
    expect(first.Schedules?.[0]).toMatchObject({
      GroupName: GROUP,
      State: 'ENABLED',
      Target: { Arn: TARGET_ARN },
    });
  });

  it('puts a schedule without a group in the default group', async () => {
    const { client } = await startHarness();

    const created = await client.send(new CreateScheduleCommand(rawSchedule()));
    const schedule = await client.send(new GetScheduleCommand({ Name: 'raw-schedule' }));

    expect(schedule.GroupName).toBe('default');
    expect(schedule.Arn).toBe(created.ScheduleArn);
  });

  it('replaces a schedule on UpdateSchedule and fires the new definition', async () => {
    const { client, emulator, invoked } = await startHarness();
    await client.send(new CreateScheduleCommand(rawSchedule()));
    await emulator.fireDue(minutesAfterStart(60));

    await client.send(
      new UpdateScheduleCommand({
        ...rawSchedule(),
        ScheduleExpression: 'at(2030-01-08T10:00:00)',
      }),
    );
    const fired = await emulator.fireDue(new Date('2030-01-08T10:00:00.000Z'));

    expect(fired).toBe(1);
    expect(invoked).toHaveLength(2);
  });

  it('answers ConflictException 409 for a name already in the group', async () => {
    const { client } = await startHarness();
    await client.send(new CreateScheduleCommand(rawSchedule()));

    const error = await client
      .send(new CreateScheduleCommand(rawSchedule()))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
  });

  it('allows the same name in another group', async () => {
    const { client, emulator } = await startHarness();
    await client.send(new CreateScheduleCommand(rawSchedule()));

    await client.send(new CreateScheduleCommand(rawSchedule({ GroupName: 'other' })));

    expect(emulator.list().map((s) => s.GroupName)).toEqual(['default', 'other']);
  });

  it('answers ResourceNotFoundException 404 for a missing schedule', async () => {
    const { client } = await startHarness();

    const error = await client
      .send(new GetScheduleCommand({ Name: 'missing' }))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it.each([
    ['an invalid name', { Name: 'bad/name' }],
    ['an unknown expression', { ScheduleExpression: 'tomorrow' }],
    ['an impossible date', { ScheduleExpression: 'at(2030-02-30T10:00:00)' }],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }],
    ['a bad flexible window mode', { FlexibleTimeWindow: { Mode: 'SOMETIMES' } }],
    ['a flexible window without its size', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }],
    ['a target without a role', { Target: { Arn: TARGET_ARN, RoleArn: '' } }],
    ['an unknown action after completion', { ActionAfterCompletion: 'ARCHIVE' }],
  ] as Array<[string, Partial<CreateScheduleCommandInput>]>)(
    'answers ValidationException 400 for %s',
    async (_case, overrides) => {
      const { client, emulator } = await startHarness();

      const error = await client
        .send(new CreateScheduleCommand(rawSchedule(overrides)))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
      expect((error as Error).message).not.toBe('UnknownError');
      expect(emulator.list()).toEqual([]);
    },
  );

  it('answers UnknownOperationException 404 for a route it does not serve', async () => {
    const { emulator } = await startHarness();

    const response = await rawRequest(emulator.endpoint, 'GET', '/schedule-groups');

    expect(response.status).toBe(404);
    expect(response.errorType).toBe('UnknownOperationException');
    expect(JSON.parse(response.body)).toHaveProperty('message');
  });

  it.each([
    ['announced by its length', {}],
    ['sent in chunks', { 'transfer-encoding': 'chunked' }],
  ])('answers 413 to a body over 1 MB %s', async (_case, headers) => {
    const { emulator } = await startHarness();

    const response = await rawRequest(
      emulator.endpoint,
      'POST',
      '/schedules/too-large',
      Buffer.alloc(1024 * 1024 + 1, 'a'),
      headers,
    );

    expect(response.status).toBe(413);
    expect(emulator.list()).toEqual([]);
  });
});

describe('parseStepEvent', () => {
  it('returns the exit and step ids of a valid event', () => {
    expect(parseStepEvent({ exitId: EXIT_ID, stepId: 'check-in-2', extra: 1 })).toEqual({
      exitId: EXIT_ID,
      stepId: 'check-in-2',
    });
  });

  it('names every bad field', () => {
    const error = (() => {
      try {
        parseStepEvent({ exitId: '', stepId: 'no spaces' });
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['exitId', 'stepId']);
  });

  it('rejects an event that is not an object', () => {
    expect(() => parseStepEvent('x0123')).toThrow(ValidationError);
  });

  it('moves an existing schedule when the step is scheduled again for another time', async () => {
    const { client, scheduler } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'survey', new Date('2030-03-04T10:00:00Z'));

    await scheduler.schedule(EXIT_ID, 'survey', new Date('2030-03-11T10:00:00Z'));

    const schedule = await client.send(
      new GetScheduleCommand({ Name: `fw-${EXIT_ID}-survey`, GroupName: GROUP }),
    );
    expect(schedule.ScheduleExpression).toBe('at(2030-03-11T10:00:00)');
    expect(JSON.parse(schedule.Target?.Input ?? '').dueAt).toBe('2030-03-11T10:00:00.000Z');
  });

  it('lists every scheduled step as exit/step keys', async () => {
    const { scheduler } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'survey', new Date('2030-03-04T10:00:00Z'));
    await scheduler.schedule(EXIT_ID, 'check-in-2', new Date('2030-09-04T10:00:00Z'));

    const keys = await scheduler.listScheduled();

    expect([...keys].sort()).toEqual([`${EXIT_ID}/check-in-2`, `${EXIT_ID}/survey`]);
  });

  it('tells whether a step has a schedule', async () => {
    const { scheduler } = await startHarness();
    await scheduler.schedule(EXIT_ID, 'survey', new Date('2030-03-04T10:00:00Z'));

    expect(await scheduler.exists(EXIT_ID, 'survey')).toBe(true);
    expect(await scheduler.exists(EXIT_ID, 'gratitude')).toBe(false);
  });
});
