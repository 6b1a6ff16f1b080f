import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { businessCalendar, isKnownCountry } from '../../functions/domain/calendar.js';
import { DEFAULT_RULES, type SequenceRules } from '../../functions/domain/sequence-rules.js';

const EVERY_DAY: SequenceRules = {
  ...DEFAULT_RULES,
  businessDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
};

function local(iso: string, zone = 'UTC'): DateTime {
  return DateTime.fromISO(iso, { zone });
}

describe('isKnownCountry', () => {
  it('knows GB, US, FR, DE, NL, IN and AU', () => {
    expect(['GB', 'US', 'FR', 'DE', 'NL', 'IN', 'AU'].every(isKnownCountry)).toBe(true);
  });

  it('does not know UK: the ISO code of the United Kingdom is GB', () => {
    expect(isKnownCountry('UK')).toBe(false);
  });

  it('does not know a code that is not a country', () => {
    expect(isKnownCountry('XX')).toBe(false);
  });

  it('wants upper case', () => {
    expect(isKnownCountry('gb')).toBe(false);
  });

  it('does not know a three-letter code', () => {
    expect(isKnownCountry('GBR')).toBe(false);
  });
});

describe('businessCalendar: weekends', () => {
  const calendar = businessCalendar(DEFAULT_RULES);

  it('counts a Friday as a business day', () => {
    expect(calendar.isBusinessDay(local('2026-06-05'))).toBe(true);
  });

  it('does not count a Saturday', () => {
    expect(calendar.isBusinessDay(local('2026-06-06'))).toBe(false);
  });

  it('does not count a Sunday', () => {
    expect(calendar.isBusinessDay(local('2026-06-07'))).toBe(false);
  });

  it('counts a Saturday when the rules list it', () => {
    const saturdays = businessCalendar({ ...DEFAULT_RULES, businessDays: ['sat'] });

    expect(saturdays.isBusinessDay(local('2026-06-06'))).toBe(true);
  });

  it('moves a Saturday to the Monday, keeping the wall time and zone', () => {
    const next = calendar.nextBusinessDay(local('2026-06-06T07:30', 'Europe/Paris'));

    expect(next.toISO()).toBe('2026-06-08T07:30:00.000+02:00');
  });

  it('keeps a business day as it is', () => {
    const day = local('2026-06-05T07:30', 'Europe/Paris');

    expect(calendar.nextBusinessDay(day).toISO()).toBe(day.toISO());
  });

  it('adds business days over a weekend: Thursday + 2 is Monday', () => {
    expect(calendar.addBusinessDays(local('2026-06-04'), 2).toISODate()).toBe('2026-06-08');
  });

  it('adds nothing for 0 business days, even from a Saturday', () => {
    expect(calendar.addBusinessDays(local('2026-06-06'), 0).toISODate()).toBe('2026-06-06');
  });

  it('refuses a negative count', () => {
    expect(() => calendar.addBusinessDays(local('2026-06-04'), -1)).toThrow(RangeError);
  });
});

describe('businessCalendar: public holidays', () => {
  it('does not count Christmas Day in GB', () => {
    const gb = businessCalendar(DEFAULT_RULES, 'GB');

    expect(gb.isBusinessDay(local('2026-12-25', 'Europe/London'))).toBe(false);
  });

  it('counts Christmas Day as a business day when the country is unknown', () => {
    const anywhere = businessCalendar(DEFAULT_RULES);

    expect(anywhere.isBusinessDay(local('2026-12-25', 'Europe/London'))).toBe(true);
  });

  it('counts Christmas Day in GB when the rules do not skip public holidays', () => {
    const gb = businessCalendar({ ...DEFAULT_RULES, skipPublicHolidays: false }, 'GB');

    expect(gb.isBusinessDay(local('2026-12-25', 'Europe/London'))).toBe(true);
  });

  it('does not count 4 July in the US', () => {
    const us = businessCalendar(DEFAULT_RULES, 'US');

    expect(us.isBusinessDay(local('2025-07-04', 'America/New_York'))).toBe(false);
  });

  it('does not count a substitute day: Monday 28 Dec 2026 replaces Boxing Day in GB', () => {
    const gb = businessCalendar(DEFAULT_RULES, 'GB');

    expect(gb.isBusinessDay(local('2026-12-28', 'Europe/London'))).toBe(false);
  });

  it('does not count the Friday observed for a 4 July falling on a Saturday (2026)', () => {
    const us = businessCalendar(DEFAULT_RULES, 'US');

    expect(us.isBusinessDay(local('2026-07-03', 'America/New_York'))).toBe(false);
  });

  it('counts a bank holiday that is not a public one (Christmas Eve in DE)', () => {
    const de = businessCalendar(DEFAULT_RULES, 'DE');

    expect(de.isBusinessDay(local('2026-12-24', 'Europe/Berlin'))).toBe(true);
  });

  it('moves Christmas Day 2026 in GB past Boxing Day’s substitute to Tuesday 29th', () => {
    const gb = businessCalendar(DEFAULT_RULES, 'GB');

    const next = gb.nextBusinessDay(local('2026-12-25', 'Europe/London'));

    expect(next.toISODate()).toBe('2026-12-29');
  });

  it('steps over the holidays when adding business days: Thu 24 Dec + 1 is Tue 29 Dec', () => {
    const gb = businessCalendar(DEFAULT_RULES, 'GB');

    const next = gb.addBusinessDays(local('2026-12-24', 'Europe/London'), 1);

    expect(next.toISODate()).toBe('2026-12-29');
  });

  it('judges the client’s local date: 23:30 on 24 Dec in New York is a business day for GB', () => {
    const gb = businessCalendar(DEFAULT_RULES, 'GB');
    const evening = local('2026-12-24T23:30', 'America/New_York'); // already 25 Dec in London

    expect(gb.isBusinessDay(evening)).toBe(true);
  });

  it('judges the client’s local date: 00:30 on 25 Dec in Auckland is Christmas for GB', () => {
    const gb = businessCalendar(DEFAULT_RULES, 'GB');
    const morning = local('2026-12-25T00:30', 'Pacific/Auckland'); // still 24 Dec in London

    expect(gb.isBusinessDay(morning)).toBe(false);
  });

  it('covers every day of a holiday of several days (Eid al-Fitr 2026 in AE, 20–22 March)', () => {
    const ae = businessCalendar(EVERY_DAY, 'AE');
    const days = ['2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23'];

    const business = days.map((day) => ae.isBusinessDay(local(day, 'Asia/Dubai')));

    expect(business).toEqual([true, false, false, false, true]);
  });

  it('refuses a country the holiday library does not know', () => {
    expect(() => businessCalendar(DEFAULT_RULES, 'XX')).toThrow(RangeError);
  });
});

describe('countries without a holiday calendar', () => {
  it('accepts a real country the holiday library does not cover', () => {
    expect(isKnownCountry('QA')).toBe(true);
  });

  it('rejects region codes that are not ISO countries', () => {
    expect(['UK', 'EU', 'ZZ', 'AA'].filter(isKnownCountry)).toEqual([]);
  });

  it('skips only weekends for such a country', () => {
    const calendar = businessCalendar(DEFAULT_RULES, 'QA');
    const thursday = DateTime.fromISO('2027-12-16T10:00', { zone: 'Asia/Qatar' });
    const saturday = DateTime.fromISO('2027-12-18T10:00', { zone: 'Asia/Qatar' });

    expect(calendar.isBusinessDay(thursday)).toBe(true);
    expect(calendar.nextBusinessDay(saturday).toISODate()).toBe('2027-12-20');
  });
});
