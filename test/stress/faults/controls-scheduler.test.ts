import { describe, expect, it } from 'vitest';
import {
  isCreateSchedule,
  type ProxiedRequest,
  schedulerError,
} from '../../support/fault-proxy.js';
import { startForFile } from '../../support/start-for-file.js';
import { batchId, runWholeSequence, startExits } from '../support/exits.js';
import { finishScenario } from '../support/scenario.js';
import { startStressStack } from '../support/stress-stack.js';

const GROUP = 10;
const EXITS = 3 * GROUP;

const isDeleteSchedule = (request: ProxiedRequest) =>
  request.method === 'DELETE' && request.path.startsWith('/schedules/');

const stack = startForFile(startStressStack);

/** SendEmail calls SES accepted so far, by exit id. */
function acceptedByExit(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const exchange of stack.proxies.ses.exchanges()) {
    if (exchange.status !== 200) continue;
    const body = JSON.parse(exchange.request.body.toString('utf8')) as {
      EmailTags?: { Name: string; Value: string }[];
    };
    const exit = body.EmailTags?.find((tag) => tag.Name === 'exit')?.Value ?? '?';
    counts.set(exit, (counts.get(exit) ?? 0) + 1);
  }
  return counts;
}

async function control(type: string, exitIds: readonly string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const exitId of exitIds) {
    statuses.push((await stack.webhook({ type, data: { exitId } })).status);
  }
  return statuses;
}

describe('cancel, pause and resume while the Scheduler fails', () => {
  it('sends nothing after a cancel or during a pause, and a resumed exit finishes', async () => {
    const started = Date.now();
    const { exitIds } = await startExits(stack, batchId(), EXITS);
    await stack.travel(1);
    const cancelled = exitIds.slice(0, GROUP);
    const paused = exitIds.slice(GROUP, 2 * GROUP);
    expect([...acceptedByExit().values()]).toEqual(new Array(EXITS).fill(1));

    // Every DeleteSchedule fails: cancelled and paused exits keep schedules that still fire.
    stack.proxies.scheduler.inject({
      label: 'Scheduler 500 on DeleteSchedule',
      matches: isDeleteSchedule,
      limit: 1_000,
      answer: schedulerError(500, 'InternalServerException', 'Unexpected error.'),
    });
    expect(await control('exit.cancelled', cancelled)).toEqual(new Array(GROUP).fill(200));
    expect(await control('exit.paused', paused)).toEqual(new Array(GROUP).fill(200));
    // Past the thank-you and the survey of every exit: their leftover schedules fire.
    await stack.travel(120);
    const whilePaused = acceptedByExit();
    for (const exitId of [...cancelled, ...paused]) expect(whilePaused.get(exitId)).toBe(1);

    // Resuming: CreateSchedule fails in bursts of three (the SDK's attempts), so some resumes
    // answer 500 and their sender delivers the event again.
    stack.proxies.scheduler.clear();
    stack.proxies.scheduler.inject({
      label: 'Scheduler 500 on CreateSchedule, resumes',
      matches: isCreateSchedule,
      fails: (index) => index % 12 < 3,
      limit: 15,
      answer: schedulerError(500, 'InternalServerException', 'Unexpected error.'),
    });
    expect(await control('exit.resumed', paused)).toEqual(new Array(GROUP).fill(200));
    stack.proxies.scheduler.clear();
    const repaired = await runWholeSequence(stack, 1);
    const audit = await finishScenario(stack, 'faults-controls-scheduler', {
      exitIds,
      started,
      repaired,
    });

    expect(audit.lost).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(audit.duplicates).toBe(0);
    const sent = acceptedByExit();
    for (const exitId of cancelled) expect(sent.get(exitId)).toBe(1);
    const exits = await Promise.all(exitIds.map((id) => stack.store.get(id)));
    expect(exits.map((exit) => exit?.status)).toEqual([
      ...new Array(GROUP).fill('cancelled'),
      ...new Array(2 * GROUP).fill('completed'),
    ]);
    // A resumed exit sends what fell due while paused, late; only missed check-ins are skipped.
    for (const exit of exits.slice(GROUP, 2 * GROUP)) {
      const states = Object.values(exit?.steps ?? {}).map((step) => `${step.kind} ${step.state}`);
      expect(states.filter((state) => !state.startsWith('check-in'))).toEqual([
        'notice sent',
        'gratitude sent',
        'survey sent',
        'survey-reminder sent',
      ]);
    }
    const injected = stack.proxies.scheduler.injected();
    expect(injected['Scheduler 500 on DeleteSchedule']).toBeGreaterThanOrEqual(2 * GROUP);
    expect(injected['Scheduler 500 on CreateSchedule, resumes']).toBeGreaterThan(0);
    // A resume retried by its sender re-creates the schedules itself: the reconciler has nothing
    // to repair.
    expect(repaired).toBe(0);
  });
});
