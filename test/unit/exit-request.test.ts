import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { parseExitRequest } from '../../functions/domain/exit-request.js';
import { thrownBy } from '../support/thrown.js';

function validRequest(): Record<string, unknown> {
  return {
    client: {
      name: '  Ada Client  ',
      email: 'ada@example.com',
      company: ' Example Ltd ',
      timezone: 'Europe/Paris',
      country: 'fr',
      locale: 'fr-FR',
    },
    initiatedBy: 'firm',
    reason: '  We are refocusing on product work.  ',
    effectiveOn: '2027-03-26',
    relationshipStartedOn: '2024-01-15',
    handover: [' Design files ', 'Hosting credentials'],
    highlights: ['Launched the new storefront'],
    externalId: ' crm-42 ',
  };
}

function withClient(fields: Record<string, unknown>): Record<string, unknown> {
  const request = validRequest();
  return { ...request, client: { ...(request.client as object), ...fields } };
}

/** The problems of the ValidationError that parsing `input` throws. */
function problemsOf(input: unknown) {
  return thrownBy(ValidationError, () => parseExitRequest(input, 'data')).problems;
}

/** The fields named by the ValidationError that parsing `input` throws. */
function problemFields(input: unknown): string[] {
  return problemsOf(input).map((p) => p.field);
}

/** The messages of the ValidationError that parsing `input` throws. */
function problemMessages(input: unknown): string[] {
  return problemsOf(input).map((p) => p.message);
}

describe('parseExitRequest', () => {
  it('parses a full valid request, trimming strings and upper-casing the country', () => {
    const request = parseExitRequest(validRequest(), 'data');

    expect(request).toEqual({
      client: {
        name: 'Ada Client',
        email: 'ada@example.com',
        company: 'Example Ltd',
        timezone: 'Europe/Paris',
        country: 'FR',
        locale: 'fr-FR',
      },
      initiatedBy: 'firm',
      reason: 'We are refocusing on product work.',
      effectiveOn: '2027-03-26',
      relationshipStartedOn: '2024-01-15',
      handover: ['Design files', 'Hosting credentials'],
      highlights: ['Launched the new storefront'],
      externalId: 'crm-42',
    });
  });

  it('parses a minimal request with only the client name, email and initiator', () => {
    const request = parseExitRequest(
      { client: { name: 'Ada', email: 'ada@example.com' }, initiatedBy: 'client' },
      'data',
    );

    expect(request).toEqual({
      client: { name: 'Ada', email: 'ada@example.com' },
      initiatedBy: 'client',
    });
  });

  it('throws a ValidationError', () => {
    expect(() => parseExitRequest(withClient({ email: 'nope' }), 'data')).toThrow(ValidationError);
  });

  it('names a bad email as data.client.email', () => {
    expect(problemFields(withClient({ email: 'not-an-email' }))).toEqual(['data.client.email']);
  });

  it('names a missing client name as data.client.name', () => {
    expect(problemFields(withClient({ name: undefined }))).toEqual(['data.client.name']);
  });

  it('rejects a name made only of spaces', () => {
    expect(problemFields(withClient({ name: '   ' }))).toEqual(['data.client.name']);
  });

  it('rejects a client name containing CR/LF', () => {
    expect(problemFields(withClient({ name: 'Ada\r\nBcc: victim@example.com' }))).toEqual([
      'data.client.name',
    ]);
  });

  it('accepts an optional greeting name, trimmed', () => {
    const request = parseExitRequest(withClient({ greetingName: '  Max ' }), 'data');

    expect(request.client.greetingName).toBe('Max');
  });

  it('rejects a greeting name over 60 characters or with a line break', () => {
    expect(problemFields(withClient({ greetingName: 'M'.repeat(61) }))).toEqual([
      'data.client.greetingName',
    ]);
    expect(problemFields(withClient({ greetingName: 'Max\nBcc: x@example.com' }))).toEqual([
      'data.client.greetingName',
    ]);
  });

  it('rejects a company containing a line feed', () => {
    expect(problemFields(withClient({ company: 'Example\nLtd' }))).toEqual(['data.client.company']);
  });

  it('rejects an unknown IANA time zone as data.client.timezone', () => {
    expect(problemFields(withClient({ timezone: 'Mars/Olympus_Mons' }))).toEqual([
      'data.client.timezone',
    ]);
  });

  it('rejects a country that is not a two-letter code', () => {
    expect(problemFields(withClient({ country: 'FRA' }))).toEqual(['data.client.country']);
  });

  it('accepts a lower-case known country and upper-cases it', () => {
    const request = parseExitRequest(withClient({ country: 'us' }), 'data');

    expect(request.client.country).toBe('US');
  });

  it('rejects a two-letter code the holiday calendar does not know as data.client.country', () => {
    expect(problemFields(withClient({ country: 'XX' }))).toEqual(['data.client.country']);
  });

  it('rejects UK with a message pointing to GB', () => {
    expect(problemMessages(withClient({ country: 'UK' }))).toEqual([
      'must be an ISO 3166 country code such as GB (not UK), US or FR',
    ]);
  });

  it('rejects a badly shaped country with one message about its shape', () => {
    expect(problemMessages(withClient({ country: 'FRA' }))).toEqual([
      'must be a two-letter ISO 3166 country code',
    ]);
  });

  it('rejects a locale that is not BCP 47', () => {
    expect(problemFields(withClient({ locale: 'not a locale!' }))).toEqual(['data.client.locale']);
  });

  it('rejects an initiator other than client or firm as data.initiatedBy', () => {
    expect(problemFields({ ...validRequest(), initiatedBy: 'robot' })).toEqual([
      'data.initiatedBy',
    ]);
  });

  it('rejects an impossible calendar date such as 2027-02-30 as data.effectiveOn', () => {
    expect(problemFields({ ...validRequest(), effectiveOn: '2027-02-30' })).toEqual([
      'data.effectiveOn',
    ]);
  });

  it('rejects a date not written as YYYY-MM-DD', () => {
    const fields = problemFields({ ...validRequest(), effectiveOn: '26/03/2027' });

    expect(new Set(fields)).toEqual(new Set(['data.effectiveOn']));
  });

  it('names a bad handover item by its index', () => {
    expect(problemFields({ ...validRequest(), handover: ['Files', ''] })).toEqual([
      'data.handover.1',
    ]);
  });

  it('lists every bad field when several are wrong at once', () => {
    const input = {
      ...withClient({ email: 'nope', timezone: 'Nowhere/Land' }),
      initiatedBy: 'someone',
      effectiveOn: '2027-02-30',
    };

    expect(problemFields(input).sort()).toEqual([
      'data.client.email',
      'data.client.timezone',
      'data.effectiveOn',
      'data.initiatedBy',
    ]);
  });

  it('names the fields in the error message too', () => {
    expect(() => parseExitRequest(withClient({ email: 'nope' }), 'data')).toThrow(
      /data\.client\.email/,
    );
  });

  it('names a missing client object as data.client', () => {
    expect(problemFields({ initiatedBy: 'firm' })).toEqual(['data.client']);
  });

  it('names a badly shaped date once', () => {
    expect(problemFields({ ...validRequest(), effectiveOn: '26/03/2027' })).toEqual([
      'data.effectiveOn',
    ]);
  });

  it('refuses an email local part over 64 characters and a domain label over 63', () => {
    expect(problemFields(withClient({ email: `${'a'.repeat(65)}@client.example` }))).toEqual([
      'data.client.email',
    ]);
    expect(problemFields(withClient({ email: `ada@${'b'.repeat(64)}.example` }))).toEqual([
      'data.client.email',
    ]);
    expect(
      parseExitRequest(withClient({ email: `${'a'.repeat(64)}@${'b'.repeat(63)}.example` })).client
        .email,
    ).toBe(`${'a'.repeat(64)}@${'b'.repeat(63)}.example`);
  });

  it('accepts an internationalised domain and keeps its punycode form', () => {
    expect(parseExitRequest(withClient({ email: 'ana@bücher.example' })).client.email).toBe(
      'ana@xn--bcher-kva.example',
    );
    expect(parseExitRequest(withClient({ email: 'ana@xn--bcher-kva.example' })).client.email).toBe(
      'ana@xn--bcher-kva.example',
    );
  });

  it.each(['\u0000', '\u001b[31m', '\u0007', '\u007f', '\u0008'])(
    'refuses a reason holding the control character %j, naming data.reason',
    (control) => {
      expect(problemFields({ ...validRequest(), reason: `Budget${control} cut` })).toEqual([
        'data.reason',
      ]);
    },
  );

  it('keeps line breaks and tabs in a reason', () => {
    expect(parseExitRequest({ ...validRequest(), reason: 'One.\n\tTwo.\r\nThree.' }).reason).toBe(
      'One.\n\tTwo.\r\nThree.',
    );
  });

  it('refuses a relationship that starts after the exit takes effect, naming the field', () => {
    const request = {
      ...validRequest(),
      effectiveOn: '2027-03-26',
      relationshipStartedOn: '2027-03-27',
    };
    expect(problemFields(request)).toEqual(['data.relationshipStartedOn']);
    expect(problemMessages(request)[0]).toBe('must not be after effectiveOn');
  });

  it('says which values an initiator may take in plain words, not zod wording', () => {
    expect(problemMessages({ ...validRequest(), initiatedBy: 'robot' })).toEqual([
      'must be "client" or "firm"',
    ]);
  });
});
