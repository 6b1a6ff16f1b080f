import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { erasureOf } from '../../functions/domain/erasure.js';
import { STEP_STATES, type StepState } from '../../functions/domain/exit.js';
import { fromStates, type StepWriter } from '../../functions/domain/step-machine.js';
import { reviseResponse } from '../../functions/domain/survey.js';
import { type ControlHarness, startControlHarness } from '../support/control-harness.js';
import { buildExit } from '../support/exit-fixture.js';

/**
 * Production's rule is the store's conditional writes. Each write below is tried on a step in
 * every state; the store must let exactly the moves through that the step machine allows.
 */
const tableName = 'farewell-step-machine';
const leaseEnd = '2025-03-03T09:07:00.000Z';
const afterLeaseEnd = '2025-03-03T09:08:00.000Z';

interface Write {
  name: string;
  to: StepState;
  writer: StepWriter;
  /** Tries the move on the exit's `notice` step; true when the store wrote it. */
  run(store: DynamoExitStore, exitId: string): Promise<boolean>;
}

const WRITES: Write[] = [
  {
    name: 'claimStep (lease expired)',
    to: 'sending',
    writer: 'claimant',
    run: async (store, exitId) =>
      (
        await store.claimStep(exitId, 'notice', {
          token: 'new',
          now: afterLeaseEnd,
          expiresAt: '2025-03-03T09:13:00.000Z',
        })
      ).claimed,
  },
  ...(['sent', 'failed', 'skipped'] as const).map(
    (to): Write => ({
      name: `finishStep ${to}`,
      to,
      writer: 'holder',
      run: (store, exitId) =>
        store.finishStep(
          exitId,
          'notice',
          'held',
          to === 'sent'
            ? { state: 'sent', at: afterLeaseEnd, messageId: 'ses-1' }
            : { state: to, at: afterLeaseEnd, reason: 'test' },
          { at: afterLeaseEnd, event: `step.${to}`, stepId: 'notice' },
        ),
    }),
  ),
  {
    name: 'releaseStep',
    to: 'scheduled',
    writer: 'holder',
    run: async (store, exitId) => {
      await store.releaseStep(exitId, 'notice', 'held');
      const step = (await store.get(exitId))?.steps.notice;
      // The release removes the lease; a step it did not touch keeps the fixture's.
      return step?.state === 'scheduled' && step.lease === undefined;
    },
  },
  {
    name: 'changeStatus skipping the step',
    to: 'skipped',
    writer: 'other',
    run: async (store, exitId) =>
      (await store.changeStatus(exitId, {
        from: ['active'],
        to: 'cancelled',
        at: afterLeaseEnd,
        entry: { at: afterLeaseEnd, event: 'exit.cancelled' },
        skip: { stepIds: ['notice'], reason: 'test' },
      })) !== undefined,
  },
  {
    name: 'recordSurvey skipping the step',
    to: 'skipped',
    writer: 'other',
    run: async (store, exitId) =>
      (await store.recordSurvey(exitId, {
        response: reviseResponse(undefined, { reason: 'budget', score: 8 }, afterLeaseEnd),
        replaces: 0,
        entry: { at: afterLeaseEnd, event: 'survey.answered' },
        skip: { stepIds: ['notice'], reason: 'test' },
      })) !== undefined,
  },
  {
    name: 'erase skipping the step',
    to: 'skipped',
    writer: 'other',
    run: async (store, exitId) => {
      const exit = await store.get(exitId);
      if (!exit) throw new Error('exit not stored');
      const erasure = erasureOf(exit, afterLeaseEnd, 'console');
      const skip = { stepIds: ['notice'], reason: 'exit erased' };
      return (await store.erase(exitId, { ...erasure, skip })) !== undefined;
    },
  },
];

describe('the store follows the step machine', () => {
  let harness: ControlHarness;
  let store: DynamoExitStore;

  beforeAll(async () => {
    harness = await startControlHarness({ now: () => new Date(afterLeaseEnd) });
    store = await harness.store(tableName);
  });

  afterAll(async () => {
    await harness.stop();
  });

  const cases = WRITES.flatMap((write) => STEP_STATES.map((from) => [write, from] as const));

  it.each(cases)(
    '$name from %s: written exactly when the machine allows it',
    async (write, from) => {
      const base = buildExit();
      const notice = base.steps.notice;
      if (!notice) throw new Error('fixture without a notice');
      // Every step in `from` holds an expired lease: the guards the writers satisfy are met, so
      // only the state decides.
      const exit = {
        ...base,
        steps: {
          ...base.steps,
          notice: { ...notice, state: from, lease: { token: 'held', expiresAt: leaseEnd } },
        },
      };
      await store.create(exit);
      const allowed = fromStates(write.to, write.writer).some((branch) => branch.from === from);

      const written = await write.run(store, exit.id);

      expect(written).toBe(allowed);
      expect((await store.get(exit.id))?.steps.notice?.state).toBe(allowed ? write.to : from);
    },
  );

  it('lets through the transitions the step machine lists, and no other', () => {
    const allowed = new Set(
      WRITES.flatMap((write) =>
        fromStates(write.to, write.writer).map(({ from }) => `${from} → ${write.to}`),
      ),
    );

    expect([...allowed].sort()).toEqual(
      [
        'scheduled → sending',
        'sending → sending',
        'sending → sent',
        'sending → failed',
        'sending → skipped',
        'sending → scheduled',
        'scheduled → skipped',
      ].sort(),
    );
  });
});
