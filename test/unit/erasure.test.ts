import { describe, expect, it } from 'vitest';
import { ERASED_NAME, erasureOf } from '../../functions/domain/erasure.js';
import type { Exit } from '../../functions/domain/exit.js';
import { buildExit } from '../support/exit-fixture.js';

const AT = '2025-04-20T10:00:00.000Z';

function answeredExit(overrides: Partial<Exit> = {}): Exit {
  const exit = buildExit(overrides);
  return {
    ...exit,
    steps: {
      ...exit.steps,
      notice: { ...(exit.steps.notice as Exit['steps'][string]), state: 'sent' },
      gratitude: {
        ...(exit.steps.gratitude as Exit['steps'][string]),
        state: 'failed',
        reason: 'Address ada@example.com rejected',
      },
    },
    timeline: [
      { at: exit.createdAt, event: 'exit.created', detail: 'Started from a webhook.' },
      {
        at: exit.createdAt,
        event: 'step.failed',
        stepId: 'gratitude',
        detail: 'ada@example.com bounced',
      },
      {
        at: exit.createdAt,
        event: 'survey.answered',
        detail: 'Score 3/10; reason: Budget or price.',
      },
      { at: exit.createdAt, event: 'custom.note', detail: 'Ada said hello' },
    ],
    survey: {
      answers: {
        reason: 'budget',
        reasonDetail: 'Too dear for Ada',
        whatWorked: 'Design',
        score: 3,
        winBack: 'maybe',
        testimonial: 'Lovely people.',
        publishAs: 'name',
      },
      answeredAt: AT,
      revisedAt: AT,
      revision: 1,
      consent: { scope: 'name', givenAt: AT },
    },
  };
}

describe('the erasure of an exit', () => {
  it('anonymises the client, keeping only what dates need', () => {
    const erasure = erasureOf(answeredExit(), AT, 'console');

    expect(erasure.client).toEqual({
      name: ERASED_NAME,
      email: '',
      timezone: 'Europe/Paris',
      locale: 'en-GB',
      country: 'FR',
    });
  });

  it('keeps the survey choices, not its free text, testimonial or consent', () => {
    const erasure = erasureOf(answeredExit(), AT, 'console');

    expect(erasure.survey).toEqual({
      answers: { reason: 'budget', score: 3, winBack: 'maybe' },
      answeredAt: AT,
      revisedAt: AT,
      revision: 1,
    });
  });

  it('keeps every timeline event but only the details Farewell wrote itself', () => {
    const exit = answeredExit();

    const erasure = erasureOf(exit, AT, 'console');

    expect(erasure.timeline.map((e) => [e.event, e.detail])).toEqual([
      ['exit.created', 'Started from a webhook.'],
      ['step.failed', undefined],
      ['survey.answered', 'Score 3/10; reason: Budget or price.'],
      ['custom.note', undefined],
      ['exit.erased', expect.stringContaining('the exit was cancelled')],
    ]);
    expect(erasure.timeline[1]?.stepId).toBe('gratitude');
    expect(JSON.stringify(erasure)).not.toMatch(/ada@example\.com|Ada /);
    expect(erasure.seen).toEqual({ updatedAt: exit.updatedAt, timelineLength: 4 });
  });

  it('cancels an active exit, skipping its pending steps, and scrubs failure messages', () => {
    const erasure = erasureOf(answeredExit(), AT, 'console');

    expect(erasure.status).toBe('cancelled');
    expect(erasure.skip).toEqual({
      stepIds: ['survey', 'survey-reminder', 'check-in-1'],
      reason: 'exit erased',
    });
    expect(erasure.scrub).toEqual({ gratitude: 'failed (details erased)' });
  });

  it('leaves an ended exit in its status, skipping nothing', () => {
    const erasure = erasureOf(answeredExit({ status: 'completed' }), AT, 'cli');

    expect(erasure.status).toBe('completed');
    expect(erasure.skip.stepIds).toEqual([]);
  });
});
