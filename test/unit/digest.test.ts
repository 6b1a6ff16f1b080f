import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import {
  buildDigest,
  DIGEST_SECTIONS,
  type DigestSectionBuilder,
  digestCarryOver,
  digestDayFor,
  digestOperatorKey,
  digestTimeOf,
  localDay,
  nextDigestDay,
  parseDigestSettings,
} from '../../functions/domain/digest.js';
import { ConfigError, ValidationError } from '../../functions/domain/errors.js';
import type { Exit, SurveyAnswers } from '../../functions/domain/exit.js';
import { buildExit } from '../support/exit-fixture.js';
import { validSettings } from '../support/settings.js';
import { thrownBy } from '../support/thrown.js';

const paris = { hour: 8, timezone: 'Europe/Paris' };

function answered(at: string, answers: Partial<SurveyAnswers> = {}, revision = 1): Exit {
  return buildExit({
    survey: {
      answers: { reason: 'budget', score: 4, ...answers },
      answeredAt: at,
      revisedAt: at,
      revision,
    },
  });
}

describe('the digest time of a day', () => {
  it('is the hour in the operator zone, in UTC', () => {
    expect(digestTimeOf('2026-01-15', paris).toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(digestTimeOf('2026-07-15', paris).toISOString()).toBe('2026-07-15T06:00:00.000Z');
  });

  it('follows the offset on the spring-forward and fall-back days', () => {
    expect(digestTimeOf('2026-03-29', paris).toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(digestTimeOf('2026-10-25', paris).toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('moves past the gap when the hour does not exist that day', () => {
    const at = digestTimeOf('2026-03-29', { hour: 2, timezone: 'Europe/Paris' });
    expect(at.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(localDay(at, paris)).toBe('2026-03-29');
  });

  it('takes the later one when the hour happens twice', () => {
    const at = digestTimeOf('2026-11-01', { hour: 1, timezone: 'America/New_York' });
    expect(at.toISOString()).toBe('2026-11-01T06:00:00.000Z');
  });

  it('is 23 or 25 hours from the day before across a change of offset', () => {
    const hours = (day: string) =>
      (digestTimeOf(nextDigestDay(day), paris).getTime() - digestTimeOf(day, paris).getTime()) /
      3_600_000;
    expect(hours('2026-03-28')).toBe(23);
    expect(hours('2026-10-24')).toBe(25);
    expect(hours('2026-06-01')).toBe(24);
  });
});

describe('the day whose digest reports a change', () => {
  it('is today before the digest hour and tomorrow from it on', () => {
    expect(digestDayFor(new Date('2026-01-15T06:59:59Z'), paris)).toBe('2026-01-15');
    expect(digestDayFor(new Date('2026-01-15T07:00:00Z'), paris)).toBe('2026-01-16');
  });

  it('counts in the operator zone, not in UTC', () => {
    // 23:30 UTC on the 15th is already the 16th in Paris, before 08:00 there.
    expect(digestDayFor(new Date('2026-01-15T23:30:00Z'), paris)).toBe('2026-01-16');
    const auckland = { hour: 8, timezone: 'Pacific/Auckland' };
    expect(digestDayFor(new Date('2026-01-15T12:00:00Z'), auckland)).toBe('2026-01-16');
  });

  it('on the spring-forward day uses that day’s shorter night', () => {
    expect(digestDayFor(new Date('2026-03-29T05:59:00Z'), paris)).toBe('2026-03-29');
    expect(digestDayFor(new Date('2026-03-29T06:00:00Z'), paris)).toBe('2026-03-30');
  });

  it('rolls over months and years', () => {
    expect(nextDigestDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDigestDay('2028-02-28')).toBe('2028-02-29');
  });
});

describe('the digest settings', () => {
  it('default to 08:00 in the given zone', () => {
    expect(parseDigestSettings({}, { timezone: 'Europe/London' })).toEqual({
      hour: 8,
      timezone: 'Europe/London',
    });
  });

  it('name each bad field', () => {
    const error = thrownBy(ValidationError, () =>
      parseDigestSettings({ hour: '24', timezone: 'Mars/Olympus' }, { timezone: 'UTC' }),
    );
    expect(error.problems.map((p) => p.field)).toEqual([
      'FAREWELL_DIGEST_HOUR',
      'FAREWELL_OPERATOR_TIMEZONE',
    ]);
  });

  it('stop the start naming the variable when the environment gives a bad one', () => {
    const env = {
      ...validSettings(),
      FAREWELL_DIGEST_HOUR: '25',
      FAREWELL_OPERATOR_TIMEZONE: 'Europe/Atlantis',
    };
    const { message } = thrownBy(ConfigError, () => loadConfig(env));
    expect(message).toContain('FAREWELL_DIGEST_HOUR: must be a whole hour from 0 to 23');
    expect(message).toContain('FAREWELL_OPERATOR_TIMEZONE: must be an IANA time zone');
    expect(loadConfig({ ...validSettings(), FAREWELL_DIGEST_HOUR: '7' }).FAREWELL_DIGEST_HOUR).toBe(
      7,
    );
  });

  it('refuse an hour that is not a whole number', () => {
    for (const hour of ['7.5', '-1', 'eight', 7.5]) {
      expect(() => parseDigestSettings({ hour }, { timezone: 'UTC' })).toThrow(ValidationError);
    }
  });
});

describe('the digest sections', () => {
  const until = '2026-01-15T07:00:00.000Z';

  it('list a survey answered before the claim, linking to the exit page', () => {
    const exit = answered('2026-01-14T10:00:00.000Z');
    const sections = buildDigest({ day: '2026-01-15', exits: [exit], until });
    expect(sections).toEqual([
      {
        kind: 'survey-answers',
        title: 'Survey answers received',
        items: [
          {
            exitId: exit.id,
            exitPath: `/admin/exits/${exit.id}`,
            who: 'Ada Client (Example Ltd)',
            detail: expect.stringContaining('scored 4/10'),
          },
        ],
      },
    ]);
  });

  it('add a win-back section for "yes" and "maybe", never for "no"', () => {
    const yes = answered('2026-01-14T10:00:00.000Z', { winBack: 'yes' });
    const maybe = answered('2026-01-14T11:00:00.000Z', { winBack: 'maybe' });
    const no = answered('2026-01-14T12:00:00.000Z', { winBack: 'no' });
    const sections = buildDigest({ day: '2026-01-15', exits: [yes, maybe, no], until });
    const winBack = sections.find((s) => s.kind === 'win-back');
    expect(winBack?.items.map((i) => i.exitId).sort()).toEqual([yes.id, maybe.id].sort());
    expect(sections.find((s) => s.kind === 'survey-answers')?.items).toHaveLength(3);
  });

  it('leave out answers after the claim, erased exits and unanswered ones', () => {
    const later = answered('2026-01-15T07:00:01.000Z', { winBack: 'yes' });
    const erased = { ...answered('2026-01-14T10:00:00.000Z'), erasedAt: until };
    const sections = buildDigest({ day: '2026-01-15', exits: [later, erased, buildExit()], until });
    expect(sections).toEqual([]);
  });

  it('say when the answers were revised', () => {
    const exit = answered('2026-01-14T10:00:00.000Z', {}, 2);
    const [section] = buildDigest({ day: '2026-01-15', exits: [exit], until });
    expect(section?.items[0]?.detail).toContain('revised');
  });

  it('keep the hooks for tasks, handover and approval, empty for now, first in order', () => {
    expect(DIGEST_SECTIONS.map((s) => s.kind)).toEqual([
      'tasks-due',
      'handover-unconfirmed',
      'awaiting-approval',
      'survey-answers',
      'win-back',
    ]);
  });

  it('take any section builder plugged in', () => {
    const exit = buildExit();
    const tasks: DigestSectionBuilder = {
      kind: 'tasks-due',
      title: 'Tasks due today and overdue',
      build: ({ exits }) =>
        exits.map((e) => ({
          exitId: e.id,
          exitPath: `/admin/exits/${e.id}`,
          who: 'x',
          detail: 'y',
        })),
    };
    const sections = buildDigest({ day: '2026-01-15', exits: [exit], until }, [tasks]);
    expect(sections.map((s) => s.kind)).toEqual(['tasks-due']);
  });
});

describe('the carry-over to the next day', () => {
  const input = {
    day: '2026-01-15',
    exits: [buildExit(), buildExit()],
    until: '2026-01-15T07:00:00Z',
  };

  it('is nothing for the sections of today (an answer is reported once)', () => {
    expect(digestCarryOver(input)).toEqual([]);
  });

  it('keeps each exit a section carries, once', () => {
    const ids = input.exits.map((e) => e.id);
    const carrying = (kind: 'tasks-due' | 'handover-unconfirmed'): DigestSectionBuilder => ({
      kind,
      title: kind,
      build: () => [],
      carry: () => ids,
    });
    expect(
      digestCarryOver(input, [carrying('tasks-due'), carrying('handover-unconfirmed')]),
    ).toEqual([...ids].sort());
  });
});

describe('the operator key', () => {
  it('is the same for the same address however written, and holds no address', () => {
    const key = digestOperatorKey(' Ops@Firm.example ');
    expect(key).toBe(digestOperatorKey('ops@firm.example'));
    expect(key).toMatch(/^[0-9a-f]{20}$/);
  });
});
