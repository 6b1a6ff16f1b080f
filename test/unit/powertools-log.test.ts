import { describe, expect, it } from 'vitest';
import { redact } from '../../functions/adapters/powertools-log.js';

describe('redact', () => {
  it('replaces an email address', () => {
    expect(redact('sent notice to ada@example.com')).toBe('sent notice to [email]');
  });

  it('replaces every email address in the text', () => {
    expect(redact('from a.b+tag@mail.example.co.uk to c_d@example.org')).toBe(
      'from [email] to [email]',
    );
  });

  it('replaces an address inside angle brackets, keeping the display name', () => {
    expect(redact('To: Ada Client <ada@example.com>')).toBe('To: Ada Client <[email]>');
  });

  it('replaces an address followed by punctuation without eating the punctuation', () => {
    expect(redact('bounced (ada@example.com), retrying')).toBe('bounced ([email]), retrying');
  });

  it('keeps text without an address unchanged', () => {
    const message = 'step survey sent for exit x0123abc at 2026-06-01T10:00:00Z: 100% done';

    expect(redact(message)).toBe(message);
  });

  it('keeps an @-mention that is not an address', () => {
    expect(redact('ping @ops about step 3')).toBe('ping @ops about step 3');
  });
});
