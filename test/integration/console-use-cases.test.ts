import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { exitKey, statusPartition } from '../../functions/adapters/dynamo-table.js';
import { erasureOf } from '../../functions/domain/erasure.js';
import { ConflictError } from '../../functions/domain/errors.js';
import { type Exit, pendingSteps, type Step } from '../../functions/domain/exit.js';
import { emailHash } from '../../functions/domain/ids.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { changeEffectiveDate } from '../../functions/domain/use-cases/change-effective-date.js';
import { type EraseDeps, eraseExit } from '../../functions/domain/use-cases/erase-exit.js';
import type { ExitControlDeps } from '../../functions/domain/use-cases/exit-controls.js';
import { sendStepNow } from '../../functions/domain/use-cases/send-now.js';
import { startControlHarness } from '../support/control-harness.js';
import { buildExit } from '../support/exit-fixture.js';
import { silentLog } from '../support/silent-log.js';
import { startForFile } from '../support/start-for-file.js';

const TABLE = 'farewell-console-test';
const SUPPRESSION_KEY = 's'.repeat(32);
/** After the fixture's notice went out (2025-03-03), before its gratitude (2025-03-31). */
const START = new Date('2025-03-10T12:00:00.000Z');

let now: Date;
const clock = { now: () => now };

const harness = startForFile(() => startControlHarness(clock));
let store: DynamoExitStore;
let deps: ExitControlDeps;
let eraseDeps: EraseDeps;

beforeAll(async () => {
  store = await harness.store(TABLE);
  const { scheduler } = harness;
  deps = { store, scheduler, clock, log: silentLog, rules: DEFAULT_RULES };
  eraseDeps = { store, scheduler, clock, log: silentLog, suppressionKey: SUPPRESSION_KEY };
});

beforeEach(() => {
  now = START;
});

/** Due times of the exit's schedules, by step id. */
function schedulesOf(exitId: string): Record<string, string> {
  return Object.fromEntries(
    harness
      .scheduledStepIds(exitId)
      .map((stepId) => [stepId, harness.scheduledEvent(exitId, stepId)?.dueAt ?? '']),
  );
}

/** The fixture exit with its notice sent, stored, and a schedule per pending step. */
function startedExit(overrides: Partial<Exit> = {}): Promise<Exit> {
  const base = buildExit(overrides);
  const notice: Step = { ...(base.steps.notice as Step), state: 'sent', sentAt: base.createdAt };
  return harness.start(store, { ...base, steps: { ...base.steps, notice } });
}

async function reload(exit: Exit): Promise<Exit> {
  const stored = await store.get(exit.id);
  if (!stored) throw new Error('exit vanished');
  return stored;
}

describe('searching exits by client or company', () => {
  const word = () => `w${Math.random().toString(36).slice(2, 10)}`;

  it('finds a name, a company or an address whatever the case', async () => {
    const tag = word();
    const exit = await startedExit({
      client: { ...buildExit().client, name: `Zoë ${tag}`, company: `ÉCOLE ${tag} Ltd` },
    });

    const byName = await store.listByStatus('active', { search: `zoë ${tag.toUpperCase()}` });
    const byCompany = await store.listByStatus('active', { search: `école ${tag}` });
    const byAddress = await store.listByStatus('active', { search: exit.client.email });
    const none = await store.listByStatus('active', { search: `${tag}-nobody` });

    expect(byName.exits.map((e) => e.id)).toEqual([exit.id]);
    expect(byCompany.exits.map((e) => e.id)).toEqual([exit.id]);
    expect(byAddress.exits.map((e) => e.id)).toContain(exit.id);
    expect(none.exits).toEqual([]);
    expect(byName.exits[0]).not.toHaveProperty('searchText');
  });

  it('fills pages with matches and resumes right after the last one shown', async () => {
    const tag = word();
    const matching: string[] = [];
    for (let n = 0; n < 7; n += 1) {
      const company = n % 2 === 0 ? `Match ${tag}` : 'Someone else';
      const exit = await startedExit({
        client: { ...buildExit().client, company },
        createdAt: `2025-03-03T09:00:0${n}.000Z`,
      });
      if (n % 2 === 0) matching.push(exit.id);
    }

    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await store.listByStatus('active', {
        search: tag,
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      sizes.push(page.exits.length);
      seen.push(...page.exits.map((e) => e.id));
      cursor = page.cursor;
    } while (cursor);

    expect(sizes).toEqual([3, 1]);
    expect(seen).toEqual(matching);
  });
});

describe('sending the next step now', () => {
  it('moves the next pending step to now and schedules it there', async () => {
    const exit = await startedExit();

    const result = await sendStepNow(deps, exit.id, 'gratitude', 'console');
    const after = await reload(exit);

    expect(result).toMatchObject({ changed: true, stepId: 'gratitude', status: 'active' });
    expect(after.steps.gratitude?.dueAt).toBe('2025-03-10T12:00:00Z');
    expect(after.steps.survey?.dueAt).toBe(exit.steps.survey?.dueAt);
    expect(after.timeline.at(-1)).toMatchObject({ event: 'step.rescheduled', stepId: 'gratitude' });
    expect(schedulesOf(exit.id).gratitude).toBe('2025-03-10T12:00:00.000Z');
  });

  it('changes nothing when the step named is no longer the next one (a double submit)', async () => {
    const exit = await startedExit();

    const result = await sendStepNow(deps, exit.id, 'notice', 'console');

    expect(result.changed).toBe(false);
    expect(await reload(exit)).toEqual(exit);
  });

  it('refuses for a paused exit', async () => {
    const exit = await startedExit({ status: 'paused' });

    await expect(sendStepNow(deps, exit.id, 'gratitude', 'console')).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

describe('changing the effective date', () => {
  it('replans the steps ahead and their schedules, keeping what was sent', async () => {
    const exit = await startedExit();

    const result = await changeEffectiveDate(deps, exit.id, '2025-04-30', 'console');
    const after = await reload(exit);

    expect(result.changed).toBe(true);
    expect(after.effectiveOn).toBe('2025-04-30');
    expect(after.steps.notice).toEqual(exit.steps.notice);
    // Paris: 10:00 CEST is 08:00 UTC.
    expect(after.steps.gratitude?.dueAt).toBe('2025-04-30T08:00:00Z');
    // Three business days on, with 1 May a public holiday in France.
    expect(after.steps.survey?.dueAt).toBe('2025-05-06T08:00:00Z');
    expect(after.steps['check-in-1']?.dueAt).toBe('2025-10-30T09:00:00Z');
    const schedules = schedulesOf(exit.id);
    expect(schedules.gratitude).toBe('2025-04-30T08:00:00.000Z');
    expect(schedules['check-in-1']).toBe('2025-10-30T09:00:00.000Z');
  });

  it('moves a paused exit without scheduling anything', async () => {
    const exit = await startedExit({ status: 'paused' });
    for (const step of pendingSteps(exit)) await deps.scheduler.cancel(exit.id, step.id);

    await changeEffectiveDate(deps, exit.id, '2025-04-30', 'console');

    expect((await reload(exit)).steps.gratitude?.dueAt).toBe('2025-04-30T08:00:00Z');
    expect(schedulesOf(exit.id)).toEqual({});
  });

  it('says unchanged for the same date, and refuses an exit that has ended', async () => {
    const active = await startedExit();
    const ended = await startedExit({ status: 'completed' });

    const same = await changeEffectiveDate(deps, active.id, active.effectiveOn, 'console');

    expect(same.changed).toBe(false);
    await expect(
      changeEffectiveDate(deps, ended.id, '2025-05-01', 'console'),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('erasing an exit', () => {
  it('anonymises the item in one write, cancels it and deletes every schedule', async () => {
    const exit = await startedExit({ externalId: 'crm-77', reason: 'Private reasons.' });

    const result = await eraseExit(eraseDeps, exit.id, 'console');
    const { Item } = await harness.documents.send(
      new GetCommand({ TableName: TABLE, Key: exitKey(exit.id) }),
    );

    expect(result).toEqual({ exitId: exit.id, erased: true });
    expect(Item).toMatchObject({
      status: 'cancelled',
      gsi1pk: statusPartition('cancelled', exit.id),
      client: { name: 'Erased client', email: '' },
      handover: [],
      highlights: [],
    });
    for (const gone of ['reason', 'externalId', 'gsi2pk', 'searchText']) {
      expect(Item).not.toHaveProperty(gone);
    }
    expect(JSON.stringify(Item)).not.toMatch(/Ada Client|ada@example\.com|Example Ltd|crm-77/);
    expect(Item?.steps.gratitude).toMatchObject({ state: 'skipped', reason: 'exit erased' });
    expect(schedulesOf(exit.id)).toEqual({});
    expect(await store.findByExternalId('crm-77')).not.toContain(exit.id);
    expect(await store.suppression(emailHash(SUPPRESSION_KEY, exit.client.email))).toMatchObject({
      reason: 'erased',
    });
  });

  it('is idempotent: a second erase changes nothing', async () => {
    const exit = await startedExit();
    await eraseExit(eraseDeps, exit.id, 'console');
    const once = await reload(exit);

    const again = await eraseExit(eraseDeps, exit.id, 'console');

    expect(again.erased).toBe(false);
    expect(await reload(exit)).toEqual(once);
  });

  it('writes nothing when the exit changed since it was read', async () => {
    const exit = await startedExit();
    const erasure = erasureOf(exit, START.toISOString(), 'console');
    await store.addToTimeline(exit.id, { at: START.toISOString(), event: 'step.delivered' });

    const written = await store.erase(exit.id, erasure);

    expect(written).toBeUndefined();
    expect((await reload(exit)).client.name).toBe('Ada Client');
  });
});
