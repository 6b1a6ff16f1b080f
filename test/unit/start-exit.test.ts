import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { type ExitRequest, parseExitRequest } from '../../functions/domain/exit-request.js';
import { DEFAULT_RULES, parseSequenceRules } from '../../functions/domain/sequence-rules.js';
import { buildExit, type ExitOrigin } from '../../functions/domain/use-cases/start-exit.js';

// Thursday 3 December 2026, 15:00 in Auckland (UTC+13) is still Wednesday 2 December in UTC.
const now = new Date('2026-12-03T02:00:00Z');
const defaults = { timezone: 'Europe/London', locale: 'en-GB' };
const webhook: ExitOrigin = { source: 'webhook', eventId: 'msg_past' };

function request(effectiveOn: string | undefined): ExitRequest {
  return parseExitRequest({
    client: { name: 'Ada Client', email: 'ada@example.com', timezone: 'Pacific/Auckland' },
    initiatedBy: 'firm',
    ...(effectiveOn ? { effectiveOn } : {}),
  });
}

function refusal(effectiveOn: string, origin: ExitOrigin = webhook, rules = DEFAULT_RULES) {
  try {
    buildExit(request(effectiveOn), 'x1', origin, now, defaults, rules);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected buildExit to refuse the date');
}

describe('buildExit: an effective date in the past', () => {
  it('refuses a date more than seven days before the client’s today, naming data.effectiveOn', () => {
    expect(refusal('2026-11-25')).toEqual([
      {
        field: 'data.effectiveOn',
        message:
          'must not be in the past (today is 2026-12-03 for the client; up to 7 days before counts as today)',
      },
    ]);
  });

  it('refuses 1 January 1970, which once sent every email at once', () => {
    expect(refusal('1970-01-01').map((p) => p.field)).toEqual(['data.effectiveOn']);
  });

  it('names the field effectiveOn for the console form and the CSV import', () => {
    expect(refusal('2020-01-01', { source: 'console' })[0]?.field).toBe('effectiveOn');
    expect(refusal('2020-01-01', { source: 'import', key: 'k' })[0]?.field).toBe('effectiveOn');
  });

  it('takes a date within the grace as the client’s today, and says so on the timeline', () => {
    const exit = buildExit(request('2026-11-26'), 'x1', webhook, now, defaults);

    expect(exit.effectiveOn).toBe('2026-12-03');
    expect(exit.timeline[0]?.detail).toMatch(
      /asked for 2026-11-26, a few days past: taken as today/,
    );
    // Nothing before the notice: the thank-you goes on the next business day at 10:00 local.
    expect(exit.steps.gratitude?.dueAt).toBe('2026-12-03T21:00:00Z');
  });

  it('keeps today and later dates as they are, and plans a missing one as before', () => {
    expect(buildExit(request('2026-12-03'), 'x1', webhook, now, defaults).effectiveOn).toBe(
      '2026-12-03',
    );
    expect(buildExit(request('2027-01-29'), 'x1', webhook, now, defaults).timeline[0]?.detail).toBe(
      'Started from a webhook; firm-initiated, effective 2027-01-29.',
    );
    expect(
      buildExit(request(undefined), 'x1', webhook, now, defaults).effectiveOn > '2026-12-03',
    ).toBe(true);
  });

  it('follows effectiveDate.pastGraceDays from the sequence rules (0: no past date at all)', () => {
    const strict = parseSequenceRules({ effectiveDate: { pastGraceDays: 0 } });

    expect(refusal('2026-12-02', webhook, strict)[0]?.message).toBe(
      'must not be in the past (today is 2026-12-03 for the client)',
    );
  });
});

describe('buildExit: the checklist', () => {
  const checklist = {
    firm: [{ title: 'Final invoice sent', due: { from: 'effective' as const, days: 0 } }],
    client: [{ title: 'Exit conversation', due: { from: 'notice' as const, businessDays: 1 } }],
  };

  it.each([
    ['webhook', webhook],
    ['console', { source: 'console' } as ExitOrigin],
    ['import', { source: 'import', key: 'row-1' } as ExitOrigin],
  ])('plans it for an exit from a %s', (_, origin) => {
    const exit = buildExit(
      request('2027-01-29'),
      'x1',
      origin,
      now,
      defaults,
      DEFAULT_RULES,
      checklist,
    );

    expect(exit.tasks?.t1).toMatchObject({ title: 'Final invoice sent', dueOn: '2027-01-29' });
    expect(exit.openTaskDues).toEqual(['2027-01-29']);
    expect(exit.taskRevision).toBe(0);
  });

  it("plans the client's list for a client-initiated exit, dated in the client's zone", () => {
    const exit = buildExit(
      { ...request('2027-01-29'), initiatedBy: 'client' },
      'x1',
      webhook,
      now,
      defaults,
      DEFAULT_RULES,
      checklist,
    );
    // Thursday 3 December in Auckland, one business day on.
    expect(Object.values(exit.tasks ?? {})).toMatchObject([
      { title: 'Exit conversation', dueOn: '2026-12-04' },
    ]);
  });
});
