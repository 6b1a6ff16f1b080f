import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import type { LocalStack } from '../../infra/local/local-stack.js';
import { localCredentials, localRegion } from '../support/local-services.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { startTestStack } from '../support/test-stack.js';
import { exitRequested } from '../support/webhooks.js';

const test = startForFile(startTestStack);
let stack: LocalStack;

/** Starts an exit through the webhook and waits until its notice went out. */
async function startExit(
  overrides: Record<string, unknown>,
): Promise<{ exitId: string; email: string }> {
  const payload = exitRequested(overrides);
  const email = (payload.data as { client: { email: string } }).client.email;
  const { exitId } = (await (await test.webhook(payload)).json()) as { exitId: string };
  await waitFor(async () => {
    const exit = await stack.store.get(exitId);
    return exit?.steps.notice?.state === 'sent' ? true : undefined;
  }, 5_000);
  return { exitId, email };
}

const webhook = (payload: unknown) => test.webhook(payload);
const travel = (days: number) => test.travel(days);
const virtualNow = () => test.travel(0);

async function subjectsTo(address: string): Promise<string[]> {
  return (await test.emailsTo(address)).map((email) => email.subject);
}

async function exitOf(exitId: string): Promise<Exit> {
  const exit = await stack.store.get(exitId);
  if (!exit) throw new Error(`exit ${exitId} missing`);
  return exit;
}

function sentStepIds(exit: Exit): string[] {
  return Object.values(exit.steps)
    .filter((step) => step.state === 'sent')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((step) => step.id);
}

beforeAll(async () => {
  stack = test.stack;
});

describe('the whole sequence through the local stack and time travel', () => {
  it('sends notice, gratitude, survey, reminder and four check-ins over two years, each once at 10:00 local', async () => {
    const now = await virtualNow();
    const effectiveOn = now.plus({ days: 20 }).toISODate() ?? '';
    const { exitId, email } = await startExit({ effectiveOn });

    await travel(20 + 2 * 366 + 14);

    const exit = await exitOf(exitId);
    expect(sentStepIds(exit)).toEqual([
      'notice',
      'gratitude',
      'survey',
      'survey-reminder',
      'check-in-1',
      'check-in-2',
      'check-in-3',
      'check-in-4',
    ]);
    expect(await subjectsTo(email)).toHaveLength(8);
    for (const step of Object.values(exit.steps).filter(
      (s) => s.state === 'sent' && s.kind !== 'notice',
    )) {
      const local = DateTime.fromISO(step.sentAt ?? '', { zone: exit.client.timezone });
      expect({ step: step.id, hour: local.hour, weekday: local.weekday <= 5 }).toEqual({
        step: step.id,
        hour: 10,
        weekday: true,
      });
    }
  });

  it('sends nothing more once an exit is cancelled half-way', async () => {
    const now = await virtualNow();
    const { exitId, email } = await startExit({ effectiveOn: now.plus({ days: 10 }).toISODate() });
    await travel(12);
    const before = await subjectsTo(email);

    const cancel = await webhook({ type: 'exit.cancelled', data: { exitId } });
    await travel(800);

    expect(cancel.status).toBe(200);
    expect(before).toHaveLength(2);
    expect(await subjectsTo(email)).toHaveLength(2);
    const exit = await exitOf(exitId);
    expect(exit.status).toBe('cancelled');
    expect(exit.steps.survey).toMatchObject({ state: 'skipped', reason: 'exit cancelled' });
  });

  it('sends only the notice for an exit cancelled before its effective date, found by external id', async () => {
    const now = await virtualNow();
    const externalId = `crm-${Date.now()}`;
    const { email } = await startExit({
      effectiveOn: now.plus({ days: 30 }).toISODate(),
      externalId,
    });

    const cancel = await webhook({ type: 'exit.cancelled', data: { externalId } });
    await travel(400);

    expect(cancel.status).toBe(200);
    expect(await subjectsTo(email)).toHaveLength(1);
  });

  it('holds everything while paused and, on resume, sends what is pending without a burst', async () => {
    const now = await virtualNow();
    const { exitId, email } = await startExit({ effectiveOn: now.plus({ days: 5 }).toISODate() });
    await webhook({ type: 'exit.paused', data: { exitId } });

    await travel(400);
    const whilePaused = await subjectsTo(email);
    await webhook({ type: 'exit.resumed', data: { exitId } });
    await travel(1);
    const dayAfterResume = await subjectsTo(email);
    await travel(30);
    const resumed = await exitOf(exitId);

    expect(whilePaused).toHaveLength(1);
    expect(dayAfterResume).toHaveLength(2);
    expect(resumed.status).toBe('active');
    expect(sentStepIds(resumed)).toEqual(['notice', 'gratitude', 'survey', 'survey-reminder']);
    expect(resumed.steps['check-in-1']).toMatchObject({
      state: 'skipped',
      reason: 'missed while paused',
    });
    // 400 days in, the 6- and 12-month check-ins are past: the next one is the 18-month one.
    const nextCheckIn = Object.values(resumed.steps).find(
      (s) => s.kind === 'check-in' && s.state === 'scheduled',
    );
    expect(nextCheckIn?.id).toBe('check-in-3');
  });

  it('repairs a deleted schedule so the step still goes out', async () => {
    const now = await virtualNow();
    const { exitId, email } = await startExit({ effectiveOn: now.plus({ days: 10 }).toISODate() });
    const scheduler = new SchedulerClient({
      endpoint: process.env.AWS_ENDPOINT_URL_SCHEDULER,
      region: localRegion,
      credentials: localCredentials,
    });
    await scheduler.send(
      new DeleteScheduleCommand({ Name: `fw-${exitId}-gratitude`, GroupName: 'default' }),
    );

    await travel(12);

    expect((await exitOf(exitId)).steps.gratitude?.state).toBe('sent');
    expect(await subjectsTo(email)).toHaveLength(2);
  });

  it('answers 404 for a control event naming no known exit', async () => {
    const response = await webhook({ type: 'exit.paused', data: { externalId: 'nobody' } });

    expect(response.status).toBe(404);
  });

  it('answers 409 when resuming a cancelled exit', async () => {
    const { exitId } = await startExit({});
    await webhook({ type: 'exit.cancelled', data: { exitId } });

    const response = await webhook({ type: 'exit.resumed', data: { exitId } });

    expect(response.status).toBe(409);
  });
});
