import { describe, expect, it } from 'vitest';
import { sequence } from '../../config/sequence.js';
import { ConfigError } from '../../functions/domain/errors.js';
import {
  DEFAULT_RULES,
  defineSequence,
  parseSequenceRules,
} from '../../functions/domain/sequence-rules.js';
import { thrownBy } from '../support/thrown.js';

/** The message of the ConfigError that parsing `input` throws. */
function failure(input: unknown): string {
  return thrownBy(ConfigError, () => parseSequenceRules(input)).message;
}

describe('DEFAULT_RULES', () => {
  it('holds the documented defaults of the sequence', () => {
    expect(DEFAULT_RULES).toEqual({
      sendHour: 10,
      businessDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      skipPublicHolidays: true,
      notice: {
        periods: [
          { underMonths: 6, days: 14 },
          { underMonths: 24, days: 30 },
        ],
        otherwiseDays: 60,
      },
      effectiveDate: { pastGraceDays: 7 },
      gratitude: { onEffectiveDate: true },
      survey: { businessDaysAfterEffective: 3 },
      reminder: { daysAfterSurvey: 7, enabled: true },
      checkIns: { everyMonths: 6, maxCount: 10 },
      defaultTimezone: 'Europe/London',
    });
  });
});

describe('config/sequence.ts', () => {
  it('is a valid sequence that parses to itself', () => {
    expect(parseSequenceRules(sequence)).toEqual(sequence);
  });
});

describe('defineSequence', () => {
  it('fills every omitted field with its default, inside partial sections too', () => {
    const rules = defineSequence({ sendHour: 9, reminder: { enabled: false } });

    expect(rules).toEqual({
      ...DEFAULT_RULES,
      sendHour: 9,
      reminder: { daysAfterSurvey: 7, enabled: false },
    });
  });

  it('throws a ConfigError for an invalid file, so start-up fails', () => {
    expect(() => defineSequence({ sendHour: 24 })).toThrow(ConfigError);
  });
});

describe('parseSequenceRules: messages name the bad field', () => {
  it('names a grace for past effective dates outside 0 to 60 days', () => {
    expect(failure({ effectiveDate: { pastGraceDays: -1 } })).toContain(
      'effectiveDate.pastGraceDays: must be a whole number from 0 to 60',
    );
  });

  it('names a check-in interval of 0 months with its allowed range', () => {
    expect(failure({ checkIns: { everyMonths: 0 } })).toContain(
      'checkIns.everyMonths: must be a whole number from 1 to 24',
    );
  });

  it('rejects a fractional check-in interval with the same message', () => {
    expect(failure({ checkIns: { everyMonths: 6.5 } })).toContain(
      'checkIns.everyMonths: must be a whole number from 1 to 24',
    );
  });

  it('rejects a number written as a string', () => {
    expect(failure({ checkIns: { everyMonths: '6' } })).toContain(
      'checkIns.everyMonths: must be a whole number from 1 to 24',
    );
  });

  it('rejects a send hour of 24', () => {
    expect(failure({ sendHour: 24 })).toContain('sendHour: must be a whole number from 0 to 23');
  });

  it('rejects a negative check-in count', () => {
    expect(failure({ checkIns: { maxCount: -1 } })).toContain(
      'checkIns.maxCount: must be a whole number from 0 to 100',
    );
  });

  it('rejects an unknown time zone', () => {
    expect(failure({ defaultTimezone: 'Mars/Olympus_Mons' })).toContain(
      'defaultTimezone: must be an IANA time zone such as Europe/London',
    );
  });

  it('names an unknown weekday by its index', () => {
    expect(failure({ businessDays: ['mon', 'funday'] })).toContain(
      'businessDays.1: must be one of mon, tue, wed, thu, fri, sat, sun',
    );
  });

  it('rejects an empty list of business days', () => {
    expect(failure({ businessDays: [] })).toContain('businessDays: must name at least one weekday');
  });

  it('rejects a repeated business day', () => {
    expect(failure({ businessDays: ['mon', 'mon'] })).toContain(
      'businessDays: must not repeat a day',
    );
  });

  it('names a bad notice period row and field', () => {
    expect(failure({ notice: { periods: [{ underMonths: 6, days: -1 }] } })).toContain(
      'notice.periods.0.days: must be a whole number from 0 to 365',
    );
  });

  it('rejects notice periods out of order', () => {
    const periods = [
      { underMonths: 24, days: 30 },
      { underMonths: 6, days: 14 },
    ];

    expect(failure({ notice: { periods } })).toContain(
      'notice.periods: must be sorted by underMonths',
    );
  });

  it('rejects a gratitude that is not on the effective date', () => {
    expect(failure({ gratitude: { onEffectiveDate: false } })).toContain(
      'gratitude.onEffectiveDate: must be true',
    );
  });

  it('rejects a misspelt key instead of ignoring it', () => {
    expect(failure({ reminder: { daysAfterSurvy: 7 } })).toMatch(/reminder: .*daysAfterSurvy/);
  });

  it('lists every bad field when several are wrong at once', () => {
    const message = failure({ sendHour: -1, survey: { businessDaysAfterEffective: 0 } });

    expect(message).toContain('sendHour: must be a whole number from 0 to 23');
    expect(message).toContain(
      'survey.businessDaysAfterEffective: must be a whole number from 1 to 30',
    );
  });

  it('rejects a configuration that is not an object', () => {
    expect(failure(null)).toMatch(/^Sequence configuration is invalid:\n {2}\(sequence\): /);
  });
});
