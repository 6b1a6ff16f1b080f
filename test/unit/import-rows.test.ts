import { describe, expect, it } from 'vitest';
import { UserError } from '../../cli/errors.js';
import { importKey, parseImport } from '../../cli/import-rows.js';
import { exitIdFor } from '../../functions/domain/use-cases/start-exit.js';

const header =
  'name,email,company,timezone,country,locale,initiatedBy,reason,effectiveOn,relationshipStartedOn,handover,highlights,externalId';

function csv(...rows: string[]): string {
  return [header, ...rows].join('\n');
}

const ada =
  'Ada Lovelace,ada@client.example,Analytical Engines,Europe/London,gb,en-GB,firm,Needs grew.,2027-01-29,2024-03-01,Source code; Credentials ;,Faster reports,crm-4711';

describe('parseImport', () => {
  it('maps a full row to the webhook request shape', () => {
    const [row] = parseImport(csv(ada));

    expect(row).toEqual({
      line: 2,
      ok: true,
      key: 'external:crm-4711',
      request: {
        client: {
          name: 'Ada Lovelace',
          email: 'ada@client.example',
          company: 'Analytical Engines',
          timezone: 'Europe/London',
          country: 'GB',
          locale: 'en-GB',
        },
        initiatedBy: 'firm',
        reason: 'Needs grew.',
        effectiveOn: '2027-01-29',
        relationshipStartedOn: '2024-03-01',
        handover: ['Source code', 'Credentials'],
        highlights: ['Faster reports'],
        externalId: 'crm-4711',
      },
    });
  });

  it('needs only name, email and initiatedBy; empty cells are absent', () => {
    const rows = parseImport('initiatedBy,email,name\nclient,grace@client.example,Grace Hopper\n');

    expect(rows[0]).toMatchObject({
      ok: true,
      request: {
        client: { name: 'Grace Hopper', email: 'grace@client.example' },
        initiatedBy: 'client',
      },
    });
    expect(rows[0]?.ok && rows[0].request.handover).toBeUndefined();
  });

  it('reads an optional greetingName column into client.greetingName', () => {
    const [row] = parseImport(
      'name,greetingName,email,initiatedBy\nAda Lovelace,Ada,ada@client.example,firm',
    );

    expect(row?.ok && row.request.client.greetingName).toBe('Ada');
  });

  it('names the line and every bad column of a bad row', () => {
    const rows = parseImport(csv(ada, 'Bob,not-an-email,,Mars/Olympus,UK,,maybe,,2027-02-30,,,,'));

    expect(rows[1]).toEqual({
      line: 3,
      ok: false,
      problems: [
        { column: 'email', message: 'must be an email address' },
        { column: 'timezone', message: 'must be an IANA time zone such as Europe/Paris' },
        { column: 'country', message: expect.stringContaining('ISO 3166') },
        { column: 'initiatedBy', message: expect.any(String) },
        {
          column: 'effectiveOn',
          message: 'must be a real calendar date as YYYY-MM-DD between 1970 and 2199',
        },
      ],
    });
  });

  it('names the list item that is wrong', () => {
    const rows = parseImport(csv(`X,x@client.example,,,,,firm,,,,ok;${'y'.repeat(501)},,`));

    expect(rows[0]).toMatchObject({ ok: false, problems: [{ column: 'handover (item 2)' }] });
  });

  it('reads a handover item with a link and a note, and names a link that is not https', () => {
    const rows = parseImport(
      csv(
        'X,x@client.example,,,,,firm,,,,Keys | https://vault.example.com | In the vault;Docs,,',
        'Y,y@client.example,,,,,firm,,,,Docs;Keys | http://vault.example.com,,',
      ),
    );

    expect(rows[0]?.ok && rows[0].request.handover).toEqual([
      { title: 'Keys', url: 'https://vault.example.com', note: 'In the vault' },
      'Docs',
    ]);
    expect(rows[1]).toMatchObject({
      ok: false,
      problems: [{ column: 'handover (item 2, url)', message: 'must be an https:// link' }],
    });
  });

  it('counts lines as a spreadsheet does, across quoted line breaks and blank lines', () => {
    const rows = parseImport(
      csv(
        `"Ada, Countess",ada@client.example,,,,,firm,"two\nlines",,,,,`,
        '',
        'B,bad,,,,,firm,,,,,,',
      ),
    );

    expect(rows.map((row) => [row.line, row.ok])).toEqual([
      [3, true],
      [5, false],
    ]);
  });

  it('reads a UTF-8 byte order mark as nothing', () => {
    const rows = parseImport(`\uFEFFname,email,initiatedBy\nZoë,zoe@client.example,firm\n`);

    expect(rows[0]).toMatchObject({ ok: true, request: { client: { name: 'Zoë' } } });
  });

  it.each([
    ['an unknown column', 'name,email,initiatedBy,phone', /unknown column\(s\) "phone"/],
    ['a missing required column', 'name,initiatedBy', /missing required column\(s\) email/],
    ['a repeated column', 'name,email,initiatedBy,email', /repeated column\(s\) email/],
  ])('refuses a header with %s, as one error', (_, line, message) => {
    expect(() => parseImport(`${line}\n`)).toThrow(UserError);
    expect(() => parseImport(`${line}\n`)).toThrow(message);
  });

  it('refuses text that is not CSV', () => {
    expect(() => parseImport('name,email,initiatedBy\n"unclosed,a@b.example,firm\n')).toThrow(
      /not valid CSV/,
    );
  });
});

describe('importKey', () => {
  const request = (overrides: Record<string, unknown> = {}) => {
    const [row] = parseImport(csv(ada.replace(',crm-4711', ',')));
    if (!row?.ok) throw new Error('bad fixture');
    return { ...row.request, ...overrides };
  };

  it('is the external id when there is one', () => {
    expect(importKey(request({ externalId: 'crm-1' }))).toBe('external:crm-1');
  });

  it('is the same for the same row in another column order or email casing', () => {
    const shuffled = parseImport(
      'email,initiatedBy,name,company,timezone,country,locale,reason,effectiveOn,relationshipStartedOn,handover,highlights\n' +
        'ADA@client.example,firm,Ada Lovelace,Analytical Engines,Europe/London,GB,en-GB,Needs grew.,2027-01-29,2024-03-01,Source code;Credentials,Faster reports\n',
    );

    expect(shuffled[0]?.ok && shuffled[0].key).toBe(importKey(request()));
    expect(importKey(request())).toMatch(/^row:[0-9a-f]{64}$/);
  });

  it('derives one stable exit id per key, apart from webhook ids', () => {
    const key = importKey(request());

    expect(exitIdFor({ source: 'import', key })).toBe(exitIdFor({ source: 'import', key }));
    expect(exitIdFor({ source: 'import', key })).toMatch(/^x[0-9a-f]{24}$/);
    expect(exitIdFor({ source: 'import', key })).not.toBe(
      exitIdFor({ source: 'webhook', eventId: key }),
    );
  });

  it('differs when anything in the row differs', () => {
    expect(importKey(request({ reason: 'Another reason.' }))).not.toBe(importKey(request()));
  });
});
