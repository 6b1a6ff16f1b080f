import { describe, expect, it } from 'vitest';
import {
  daysUntil,
  emailDateLocale,
  formatDate,
  monthsBetween,
  pastSpanInWords,
  periodInWords,
  spanInWords,
} from '../../functions/rendering/time-words.js';

describe('time in words', () => {
  it.each([
    [0, 'a few weeks', 'the past few weeks'],
    [1, 'a month', 'the past month'],
    [8, 'eight months', 'the past eight months'],
    [12, 'a year', 'the past year'],
    [14, 'a year', 'the past year'],
    [18, 'a year and a half', 'the past year and a half'],
    [26, 'two years', 'the past two years'],
    [30, 'two and a half years', 'the past two and a half years'],
    [33, 'nearly three years', 'nearly three years'],
    [157, '13 years', 'the past 13 years'],
  ])('says %i months as "%s", looking back "%s"', (months, span, past) => {
    expect([spanInWords(months), pastSpanInWords(months)]).toEqual([span, past]);
  });

  it.each([
    [1, 'one day'],
    [14, '14 days'],
    [28, 'four weeks'],
    [30, '30 days'],
    [60, '60 days'],
    [63, 'nine weeks'],
  ])('says a notice of %i days as "%s"', (days, words) => {
    expect(periodInWords(days)).toBe(words);
  });

  it('counts whole calendar months, clamping month ends', () => {
    expect([
      monthsBetween('2025-03-31', '2025-09-30'),
      monthsBetween('2025-03-31', '2025-09-29'),
      monthsBetween('2022-01-10', '2025-03-31'),
    ]).toEqual([6, 5, 38]);
  });

  it('counts days until a date from today in the client’s zone, not UTC', () => {
    // 23:30 UTC on 2 March is already 3 March in Paris.
    const lateEvening = new Date('2025-03-02T23:30:00Z');

    expect(daysUntil('2025-03-31', lateEvening, 'Europe/Paris')).toBe(28);
    expect(daysUntil('2025-03-31', lateEvening, 'America/New_York')).toBe(29);
  });

  it('formats a calendar date as that day whatever the client’s locale', () => {
    expect(formatDate('2025-03-31', 'fr-FR')).toBe('lundi 31 mars 2025');
    expect(formatDate('2025-03-31', 'ja-JP')).toBe('2025年3月31日月曜日');
  });

  it('falls back to British English for a locale the runtime rejects', () => {
    expect(formatDate('2025-03-31', 'not a locale!')).toBe(formatDate('2025-03-31', 'en-GB'));
  });
});

describe('dates inside an English email', () => {
  // The ICU version decides commas; compare with what Intl itself gives for the English locale.
  const inEnglish = (locale: string) => formatDate('2027-01-02', locale);

  it.each([
    ['de-DE', undefined, 'en-DE'],
    ['fr-FR', undefined, 'en-FR'],
    ['en-US', undefined, 'en-US'],
    ['ja-JP', undefined, 'en-JP'],
    ['de', 'AT', 'en-AT'],
    ['de', undefined, 'en-DE'],
  ])(
    'writes a %s client’s dates in English with the region’s conventions',
    (locale, country, english) => {
      expect(emailDateLocale(locale, country)).toBe(english);
    },
  );

  it('gives English day and month names, the region ordering the parts', () => {
    expect(formatDate('2027-01-02', emailDateLocale('de-DE'))).toMatch(
      /^Saturday,? 2 January 2027$/,
    );
    expect(formatDate('2027-01-02', emailDateLocale('fr-FR'))).toMatch(
      /^Saturday,? 2 January 2027$/,
    );
    expect(formatDate('2027-01-02', emailDateLocale('en-US'))).toBe('Saturday, January 2, 2027');
    expect(formatDate('2027-01-02', emailDateLocale('ja-JP'))).toBe(inEnglish('en-JP'));
    expect(formatDate('2027-01-02', emailDateLocale('ja-JP'))).not.toMatch(/[年月日]/);
  });

  it('falls back to British English when Intl does not know the region or the locale', () => {
    expect(emailDateLocale('zh-CN')).toBe('en-GB');
    expect(emailDateLocale('not a locale!')).toBe('en-GB');
  });
});
