import { describe, expect, it } from 'vitest';
import { emailHash } from '../../functions/domain/ids.js';

describe('emailHash', () => {
  it('folds case and surrounding space, so one address has one suppression key', () => {
    expect(emailHash('key', ' Ada@Example.com ')).toBe(emailHash('key', 'ada@example.com'));
  });

  it('refuses an empty address, whose hash every erased exit would share', () => {
    expect(() => emailHash('key', '')).toThrow(/empty/);
    expect(() => emailHash('key', '  ')).toThrow(/empty/);
  });
});
