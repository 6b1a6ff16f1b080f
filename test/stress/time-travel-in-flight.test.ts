import { afterEach, describe, expect, it } from 'vitest';
import { asyncInvoker } from '../../infra/local/async-invoke.js';
import {
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../infra/local/scheduler-emulator.js';
import { oneAtATime, timeTravel } from '../../infra/local/time-travel.js';
import { VirtualClock } from '../../infra/local/virtual-clock.js';

/**
 * Issue 18 item 6, the race under the duplicates: a send's lease is measured on the virtual
 * clock, so a jump while a send is in flight expires the lease at once and lets another sender
 * take the step over. Time travel must wait for what is sending (a retry started by its own
 * timer, another travel's firing) before it moves the clock. The emulator, the invoker and the
 * clock are local mode's own; the "send" is a slow function that notes the clock around it.
 */
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let scheduler: SchedulerEmulator | undefined;

afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

describe('time travel and sends in flight', () => {
  it('does not move the clock while a retry started by its timer is still sending', async () => {
    const clock = new VirtualClock();
    scheduler = await startSchedulerEmulator({ clock, invoke: async () => undefined });
    const seen: { from: number; to: number }[] = [];
    let calls = 0;
    const retries = asyncInvoker(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('SES unavailable');
        const from = clock.now().getTime();
        await sleep(400);
        seen.push({ from, to: clock.now().getTime() });
      },
      { retryDelaysMs: [50], clock },
    );
    await expect(retries.invoke('event')).rejects.toThrow();
    // The retry starts on its own timer after 50 ms; the travel comes while it is sending.
    await sleep(150);
    expect(retries.busy()).toBe(true);

    const result = await timeTravel(clock, scheduler, 30, async () => 0, retries);
    await retries.settled();

    expect(seen).toHaveLength(1);
    expect((seen[0]?.to ?? 0) - (seen[0]?.from ?? 0)).toBeLessThan(60_000);
    expect(Date.parse(result.now) - Date.now()).toBeGreaterThan(29 * DAY_MS);
    await retries.stop();
  });

  it("runs a failed send's retry a minute after the failure in virtual time, not after the jump", async () => {
    const clock = new VirtualClock();
    const attempts: number[] = [];
    const retries = asyncInvoker(
      async () => {
        attempts.push(clock.now().getTime());
        if (attempts.length === 1) throw new Error('SES unavailable');
      },
      { retryDelaysMs: [60_000, 120_000], clock },
    );
    scheduler = await startSchedulerEmulator({
      clock,
      invoke: (_arn, input) => retries.invoke(input),
      tickMs: 60_000,
    });
    const dueAt = new Date(clock.now().getTime() + 10 * DAY_MS);
    await fetch(`${scheduler.endpoint}/schedules/step`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ScheduleExpression: `at(${dueAt.toISOString().slice(0, 19)})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', RoleArn: 'r' },
      }),
    });

    await timeTravel(clock, scheduler, 300, async () => 0, retries);

    expect(attempts).toHaveLength(2);
    const [first = 0, second = 0] = attempts;
    expect(first - dueAt.getTime()).toBeLessThan(1_000);
    expect(second - first).toBeGreaterThanOrEqual(60_000);
    expect(second - first).toBeLessThan(61_000);
    await retries.stop();
  });

  it('takes a second travel asked for meanwhile after the first, from where the first ended', async () => {
    const clock = new VirtualClock();
    let sending = 0;
    const overlaps: number[] = [];
    scheduler = await startSchedulerEmulator({
      clock,
      invoke: async () => {
        sending += 1;
        overlaps.push(sending);
        await sleep(20);
        sending -= 1;
      },
    });
    for (let i = 1; i <= 20; i += 1) {
      const at = new Date(clock.now().getTime() + i * 3 * DAY_MS);
      await fetch(`${scheduler.endpoint}/schedules/step-${i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', RoleArn: 'r' },
        }),
      });
    }
    const emulator = scheduler;
    const travel = oneAtATime((days) => timeTravel(clock, emulator, days, async () => 0));
    const started = Date.now();

    const [sixty, threeHundred] = await Promise.all([travel(60), travel(300)]);

    expect(Date.parse(sixty.now) - started).toBeGreaterThanOrEqual(60 * DAY_MS);
    expect(Date.parse(threeHundred.now) - started).toBeGreaterThanOrEqual(360 * DAY_MS);
    expect(sixty.fired + threeHundred.fired).toBe(20);
    expect(Math.max(...overlaps)).toBe(1);
  });

  it('runs the reconciler a virtual day after a send gave up, not at the end of the jump', async () => {
    const clock = new VirtualClock();
    const attempts: number[] = [];
    const retries = asyncInvoker(
      async () => {
        attempts.push(clock.now().getTime());
        if (attempts.length <= 3) throw new Error('SES down');
      },
      { retryDelaysMs: [60_000, 120_000], clock },
    );
    const emulator = await startSchedulerEmulator({
      clock,
      invoke: (_arn, input) => retries.invoke(input),
      tickMs: 60_000,
      onError: () => undefined,
    });
    scheduler = emulator;
    const create = async (name: string, at: Date) =>
      fetch(`${emulator.endpoint}/schedules/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', RoleArn: 'r' },
        }),
      });
    const dueAt = new Date(clock.now().getTime() + 10 * DAY_MS);
    await create('step', dueAt);
    const reconciled: number[] = [];
    // The reconciler finds the step without a schedule and creates it again, a moment ahead.
    const reconcile = async () => {
      reconciled.push(clock.now().getTime());
      if (reconciled.length > 1) return 0;
      await create('step', new Date(clock.now().getTime() + 2_000));
      return 1;
    };

    await timeTravel(clock, emulator, 300, reconcile, retries);

    expect(attempts).toHaveLength(4);
    const resent = (attempts[3] ?? 0) - dueAt.getTime();
    expect(resent).toBeGreaterThan(DAY_MS);
    expect(resent).toBeLessThan(DAY_MS + 10 * 60_000);
    expect((reconciled[0] ?? 0) - dueAt.getTime()).toBeLessThan(DAY_MS + 10 * 60_000);
    await retries.stop();
  });
});
