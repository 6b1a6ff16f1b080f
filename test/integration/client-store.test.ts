import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import { erasureOf } from '../../functions/domain/erasure.js';
import type { Exit, SurveyResponse } from '../../functions/domain/exit.js';
import type { SurveyWrite } from '../../functions/domain/ports.js';
import { createExit } from '../support/exit-fixture.js';
import { startLocalTable } from '../support/local-clients.js';
import { startForFile } from '../support/start-for-file.js';

const TABLE = 'farewell-client-store-test';
const AT = '2025-04-05T12:00:00.000Z';

function response(revision: number, score: number): SurveyResponse {
  return {
    answers: { reason: 'budget', score },
    answeredAt: AT,
    revisedAt: AT,
    revision,
  };
}

function write(revision: number, score: number, extra: Partial<SurveyWrite> = {}): SurveyWrite {
  return {
    response: response(revision, score),
    replaces: revision - 1,
    entry: { at: AT, event: revision === 1 ? 'survey.answered' : 'survey.revised' },
    ...extra,
  };
}

const table = startForFile(() => startLocalTable(TABLE));
let store: DynamoExitStore;

beforeAll(() => {
  store = new DynamoExitStore(table.documents, TABLE);
});

const storedExit = (overrides: Partial<Exit> = {}) => createExit(store, overrides);

describe('recordSurvey', () => {
  it('stores the first answer, its timeline entry, and skips the reminder in the same write', async () => {
    const exit = await storedExit();

    const after = await store.recordSurvey(
      exit.id,
      write(1, 4, { skip: { stepIds: ['survey-reminder'], reason: 'survey already answered' } }),
    );

    expect(after?.survey).toEqual(response(1, 4));
    expect(after?.steps['survey-reminder']).toMatchObject({
      state: 'skipped',
      reason: 'survey already answered',
    });
    expect(after?.timeline.at(-1)).toEqual({ at: AT, event: 'survey.answered' });
    expect(await store.get(exit.id)).toEqual(after);
  });

  it('overwrites the answers with a revision and appends another entry', async () => {
    const exit = await storedExit();
    await store.recordSurvey(exit.id, write(1, 4));

    const after = await store.recordSurvey(exit.id, write(2, 9));

    expect(after?.survey).toEqual(response(2, 9));
    expect(after?.timeline.map((e) => e.event)).toEqual([
      'exit.created',
      'survey.answered',
      'survey.revised',
    ]);
  });

  it('refuses a second first answer, so two racing submissions cannot both be revision 1', async () => {
    const exit = await storedExit();
    await store.recordSurvey(exit.id, write(1, 4));

    const second = await store.recordSurvey(exit.id, write(1, 8));

    expect(second).toBeUndefined();
    expect((await store.get(exit.id))?.survey?.answers.score).toBe(4);
  });

  it('leaves a reminder that is being sent alone, writing nothing', async () => {
    const exit = await storedExit();
    await store.claimStep(exit.id, 'survey-reminder', {
      token: 'sender',
      now: AT,
      expiresAt: '2025-04-05T12:05:00.000Z',
    });

    const result = await store.recordSurvey(
      exit.id,
      write(1, 4, { skip: { stepIds: ['survey-reminder'], reason: 'survey already answered' } }),
    );

    expect(result).toBeUndefined();
    const stored = await store.get(exit.id);
    expect(stored?.survey).toBeUndefined();
    expect(stored?.steps['survey-reminder']?.state).toBe('sending');
  });

  it('writes nothing onto an erased exit, even from a request that read it before the erase', async () => {
    const exit = await storedExit();
    await store.erase(exit.id, erasureOf(exit, AT, 'console'));

    const result = await store.recordSurvey(exit.id, write(1, 4));

    expect(result).toBeUndefined();
    expect((await store.get(exit.id))?.survey).toBeUndefined();
  });

  it('writes nothing for an exit that does not exist', async () => {
    const result = await store.recordSurvey('xnosuchexit', write(1, 4));

    expect(result).toBeUndefined();
    expect(await store.get('xnosuchexit')).toBeUndefined();
  });
});

describe('addToTimeline', () => {
  it('appends an entry to an existing exit', async () => {
    const exit = await storedExit();
    const entry = { at: AT, event: 'operator.notified', detail: 'SES message m-1' };

    expect(await store.addToTimeline(exit.id, entry)).toBe(true);
    expect((await store.get(exit.id))?.timeline.at(-1)).toEqual(entry);
  });

  it('answers false, creating nothing, for an unknown exit', async () => {
    expect(await store.addToTimeline('xnosuchexit2', { at: AT, event: 'x' })).toBe(false);
    expect(await store.get('xnosuchexit2')).toBeUndefined();
  });
});

describe('suppression, unsuppress', () => {
  it('reads back why and when an address was suppressed', async () => {
    await store.suppress('hash-a', 'unsubscribed', AT);

    expect(await store.suppression('hash-a')).toEqual({ reason: 'unsubscribed', at: AT });
    expect(await store.suppression('hash-none')).toBeUndefined();
  });

  it('removes a suppression made for the given reason', async () => {
    await store.suppress('hash-b', 'unsubscribed', AT);

    expect(await store.unsuppress('hash-b', 'unsubscribed')).toBe(true);
    expect(await store.isSuppressed('hash-b')).toBe(false);
  });

  it('keeps a suppression made for another reason, such as a complaint', async () => {
    await store.suppress('hash-c', 'complaint', AT);

    expect(await store.unsuppress('hash-c', 'unsubscribed')).toBe(false);
    expect(await store.isSuppressed('hash-c')).toBe(true);
  });

  it('answers false for an address that is not suppressed', async () => {
    expect(await store.unsuppress('hash-d', 'unsubscribed')).toBe(false);
  });
});
