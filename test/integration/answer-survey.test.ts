import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_SURVEY_REVISIONS } from '../../functions/domain/survey.js';
import { answerSurvey } from '../../functions/domain/use-cases/answer-survey.js';
import { startClientHarness } from '../support/client-harness.js';
import { startForFile } from '../support/start-for-file.js';

const h = startForFile(() => startClientHarness('farewell-answer-survey-test'));

beforeEach(() => {
  h.reset();
});

const detractor = { score: '3', reason: 'communication', whatDidNot: 'Slow replies' };

describe('answerSurvey', () => {
  it('stores the answers, skips the reminder and deletes its schedule, and notifies the operator once', async () => {
    const exit = await h.storedExit();

    const result = await answerSurvey(h.survey, h.token(exit, 'survey'), detractor);

    expect(result.outcome).toBe('saved');
    const stored = await h.reload(exit);
    expect(stored.survey?.answers).toEqual({
      score: 3,
      reason: 'communication',
      whatDidNot: 'Slow replies',
    });
    expect(stored.steps['survey-reminder']).toMatchObject({ state: 'skipped' });
    expect(h.cancelled).toEqual([`${exit.id}/survey-reminder`]);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({
      to: 'ops@acme.example',
      subject: 'Exit survey: Ada Client scored 3/10',
      tags: { exit: exit.id, notice: 'survey-1' },
    });
    expect(h.sent[0]?.text).toContain('Slow replies');
    expect(stored.timeline.slice(-2).map((e) => e.event)).toEqual([
      'survey.answered',
      'operator.notified',
    ]);
  });

  it('writes and sends nothing more when the same answers come again', async () => {
    const exit = await h.storedExit();
    await answerSurvey(h.survey, h.token(exit, 'survey'), detractor);

    const again = await answerSurvey(h.survey, h.token(exit, 'survey'), detractor);

    expect(again.outcome).toBe('unchanged');
    expect(h.sent).toHaveLength(1);
    expect((await h.reload(exit)).survey?.revision).toBe(1);
  });

  it('sends one notice per revision that needs attention, and none for one that does not', async () => {
    const exit = await h.storedExit();
    await answerSurvey(h.survey, h.token(exit, 'survey'), detractor);

    await answerSurvey(h.survey, h.token(exit, 'survey'), { ...detractor, score: '5' });
    await answerSurvey(h.survey, h.token(exit, 'survey'), { score: '9', reason: 'work-complete' });

    expect(h.sent.map((email) => email.tags?.notice)).toEqual(['survey-1', 'survey-2']);
    expect(h.sent[1]?.subject).toBe('Revised exit survey: Ada Client scored 5/10');
    expect((await h.reload(exit)).survey?.revision).toBe(3);
  });

  it('sends no notice for a happy client', async () => {
    const exit = await h.storedExit();

    await answerSurvey(h.survey, h.token(exit, 'survey'), { score: '10', reason: 'work-complete' });

    expect(h.sent).toEqual([]);
  });

  it('records in the timeline that no operator address is configured', async () => {
    const exit = await h.storedExit();
    const { operatorEmail: _, ...withoutOperator } = h.survey;

    await answerSurvey(withoutOperator, h.token(exit, 'survey'), detractor);

    expect(h.sent).toEqual([]);
    expect((await h.reload(exit)).timeline.at(-1)).toMatchObject({
      event: 'operator.not-notified',
    });
  });

  it('keeps the answers and records a notice that could not be sent', async () => {
    const exit = await h.storedExit();
    h.mailerFails = true;

    const result = await answerSurvey(h.survey, h.token(exit, 'survey'), detractor);

    expect(result.outcome).toBe('saved');
    const stored = await h.reload(exit);
    expect(stored.survey?.revision).toBe(1);
    expect(stored.timeline.at(-1)?.event).toBe('operator.notification-failed');
  });

  it('returns the problems of an invalid form and stores nothing', async () => {
    const exit = await h.storedExit();

    const result = await answerSurvey(h.survey, h.token(exit, 'survey'), { reason: 'budget' });

    expect(result).toMatchObject({ outcome: 'invalid', problems: [{ field: 'score' }] });
    expect((await h.reload(exit)).survey).toBeUndefined();
  });

  it('refuses answers once the survey link has expired', async () => {
    const exit = await h.storedExit();
    const link = h.token(exit, 'survey', 60);
    h.now = new Date(h.now.getTime() + 61 * 86_400_000);

    const result = await answerSurvey(h.survey, link, detractor);

    expect(result).toEqual({ outcome: 'link-problem', problem: 'expired' });
    expect((await h.reload(exit)).survey).toBeUndefined();
  });

  it('refuses an unsubscribe link used as a survey link', async () => {
    const exit = await h.storedExit();

    const result = await answerSurvey(h.survey, h.token(exit, 'unsubscribe'), detractor);

    expect(result).toEqual({ outcome: 'link-problem', problem: 'invalid' });
  });

  it('stops accepting revisions past the cap', async () => {
    const exit = await h.storedExit();
    for (let n = 0; n < MAX_SURVEY_REVISIONS; n += 1) {
      await answerSurvey(h.survey, h.token(exit, 'survey'), {
        score: String(n % 11),
        reason: 'budget',
        improve: `v${n}`,
      });
    }

    const result = await answerSurvey(h.survey, h.token(exit, 'survey'), detractor);

    expect(result.outcome).toBe('too-many-revisions');
    expect((await h.reload(exit)).survey?.revision).toBe(MAX_SURVEY_REVISIONS);
  });
});
