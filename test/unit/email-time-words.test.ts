import { describe, expect, it } from 'vitest';
import {
  daysUntil,
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
