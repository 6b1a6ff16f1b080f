import { describe, expect, it } from 'vitest';
import {
  cancel,
  complete,
  deferBlockedStep,
  deferThrottledStep,
  noteEmailEvent,
  nothingLeftToSend,
  pause,
  STEP_WAITING,
  sendNow,
  skipSteps,
} from '../../functions/domain/exit-changes.js';
import { resume } from '../../functions/domain/exit-replans.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { buildExit } from '../support/exit-fixture.js';

const at = '2025-03-03T09:01:00.000Z';

describe('cancel', () => {
  it('skips every pending step of a running exit', () => {
    const decision = cancel(buildExit(), at, 'console');

    expect(decision).toMatchObject({
      outcome: 'write',
      change: {
        from: ['active'],
        to: 'cancelled',
        skip: {
          stepIds: ['notice', 'gratitude', 'survey', 'survey-reminder', 'check-in-1'],
          reason: 'exit cancelled',
        },
      },
    });
  });

  it.each(['cancelled', 'completed'] as const)('leaves a %s exit unchanged', (status) => {
    expect(cancel(buildExit({ status }), at, 'console')).toEqual({ outcome: 'unchanged' });
  });
});

describe('pause and resume', () => {
  it('refuses to pause a cancelled exit', () => {
    expect(pause(buildExit({ status: 'cancelled' }), at, 'console')).toEqual({
      outcome: 'refused',
      reason: 'A cancelled exit cannot be paused',
    });
  });

  it('ignores a control event older than the last one applied', () => {
    const exit = buildExit({ lastControlAt: '2025-03-03T09:00:30.000Z' });

    expect(pause(exit, at, 'webhook', '2025-03-03T09:00:00.000Z')).toEqual({
      outcome: 'unchanged',
    });
  });

  it('records when the control event was sent', () => {
    const decision = pause(buildExit(), at, 'webhook', '2025-03-03T09:00:00.000Z');

    expect(decision).toMatchObject({
      outcome: 'write',
      change: { from: ['active'], to: 'paused', controlAt: '2025-03-03T09:00:00.000Z' },
    });
  });

  it('refuses to resume a completed exit and leaves an active one unchanged', () => {
    const now = new Date(at);

    expect(resume(buildExit({ status: 'completed' }), now, DEFAULT_RULES, 'cli')).toEqual({
      outcome: 'refused',
      reason: 'A completed exit cannot be resumed',
    });
    expect(resume(buildExit(), now, DEFAULT_RULES, 'cli')).toEqual({ outcome: 'unchanged' });
  });
});

describe('complete', () => {
  it('moves an active exit to completed with the reason in its entry', () => {
    expect(complete(at, 'Every step of the sequence is done.')).toEqual({
      from: ['active'],
      to: 'completed',
      at,
      entry: { at, event: 'exit.completed', detail: 'Every step of the sequence is done.' },
    });
  });

  it('finds something left to send while a step is scheduled or being sent', () => {
    const exit = buildExit();
    const done = Object.fromEntries(
      Object.entries(exit.steps).map(([id, step]) => [id, { ...step, state: 'sent' as const }]),
    );
    const notice = exit.steps.notice;
    if (!notice) throw new Error('fixture without a notice');

    expect(nothingLeftToSend(exit)).toBe(false);
    expect(nothingLeftToSend({ steps: done })).toBe(true);
    expect(nothingLeftToSend({ steps: { ...done, notice: { ...notice, state: 'sending' } } })).toBe(
      false,
    );
    expect(
      nothingLeftToSend({ steps: { ...done, notice: { ...notice, state: 'sending' } } }, 'notice'),
    ).toBe(true);
  });
});

describe('skipSteps', () => {
  const entry = { at, event: 'client.unsubscribed' };

  it('completes an active exit the skip leaves with nothing to send', () => {
    const exit = buildExit();

    const decision = skipSteps(exit, Object.keys(exit.steps), entry, 'client unsubscribed');

    expect(decision).toMatchObject({ outcome: 'write', change: { to: 'completed' } });
  });

  it('leaves an erased exit, or one with nothing to skip, unchanged', () => {
    expect(skipSteps(buildExit({ erasedAt: at }), ['survey'], entry, 'x')).toEqual({
      outcome: 'unchanged',
    });
    expect(skipSteps(buildExit(), [], entry, 'x')).toEqual({ outcome: 'unchanged' });
  });
});

describe('sendNow', () => {
  it('refuses a paused exit', () => {
    expect(sendNow(buildExit({ status: 'paused' }), 'notice', new Date(at), 'console')).toEqual({
      outcome: 'refused',
      reason: 'A paused exit sends nothing; resume it first',
    });
  });

  it('changes nothing when the step named is no longer the next one', () => {
    expect(sendNow(buildExit(), 'survey', new Date(at), 'console')).toEqual({
      outcome: 'unchanged',
    });
  });

  it('moves the next step to now, in whole seconds', () => {
    const decision = sendNow(buildExit(), 'notice', new Date('2025-03-03T09:01:00.400Z'), 'cli');

    expect(decision).toMatchObject({
      outcome: 'write',
      dueAt: '2025-03-03T09:01:00Z',
      change: { reschedule: { notice: '2025-03-03T09:01:00Z' } },
    });
  });
});

describe('noteEmailEvent', () => {
  const entry = { at, event: 'step.bounced', stepId: 'notice', detail: 'Permanent bounce' };

  it('stops a running exit on a hard bounce', () => {
    expect(noteEmailEvent(buildExit(), entry, at, 'hard bounce')).toMatchObject({
      outcome: 'write',
      change: { to: 'cancelled', skip: { reason: 'hard bounce' } },
    });
  });

  it('only appends the entry to a finished exit', () => {
    const decision = noteEmailEvent(buildExit({ status: 'completed' }), entry, at, 'complaint');

    expect(decision).toEqual({
      outcome: 'write',
      change: { from: ['completed'], to: 'completed', at, entry },
    });
  });

  it('changes nothing for an event already recorded', () => {
    const exit = buildExit();
    exit.timeline.push({ ...entry, detail: `${entry.detail}; the sequence stopped (x).` });

    expect(noteEmailEvent(exit, entry, at, 'hard bounce')).toEqual({ outcome: 'unchanged' });
  });
});

describe('deferBlockedStep', () => {
  const now = new Date('2025-03-03T09:02:30.500Z');
  const sandbox = { why: 'the SES account is still in the sandbox', fix: 'ask for access' };

  it('moves the step an hour on and says why, with the fix', () => {
    const deferral = deferBlockedStep(buildExit(), { id: 'notice' }, sandbox, now);

    expect(deferral.dueAt).toBe('2025-03-03T10:02:30Z');
    expect(deferral.entry).toMatchObject({
      event: STEP_WAITING,
      stepId: 'notice',
      detail: expect.stringMatching(
        /^Sending is blocked: the SES account .* Fix: ask for access\./,
      ),
    });
  });

  it('says nothing new while the last entry is this step waiting for the same reason', () => {
    const first = deferBlockedStep(buildExit(), { id: 'notice' }, sandbox, now);
    const exit = buildExit();
    exit.timeline.push(first.entry ?? { at: '', event: '' });

    expect(deferBlockedStep(exit, { id: 'notice' }, sandbox, now).entry).toBeUndefined();
    expect(
      deferBlockedStep(exit, { id: 'notice' }, { why: 'quota', fix: 'wait' }, now).entry,
    ).toBeDefined();
  });
});

describe('deferThrottledStep', () => {
  const now = new Date('2025-03-03T09:00:00.000Z');
  const waitOf = (attempts: number, jitter: number) =>
    Date.parse(deferThrottledStep({ attempts }, now, jitter).dueAt) - now.getTime();

  it('waits half to all of a wait that doubles with each attempt, at most 15 minutes', () => {
    expect(waitOf(1, 0)).toBe(30_000);
    expect(waitOf(1, 1)).toBe(60_000);
    expect(waitOf(3, 1)).toBe(240_000);
    expect(waitOf(20, 1)).toBe(15 * 60_000);
    expect(deferThrottledStep({ attempts: 1 }, now, 0.5).entry).toBeUndefined();
  });
});
