import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { verifyLinkToken } from '../../functions/domain/link-token.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { buildExit } from '../support/exit-fixture.js';

const templateDir = new URL('../../templates/emails/', import.meta.url);
const fixedDate = new Date('2025-03-03T09:02:00.000Z');
const keys = ['k'.repeat(32)];
const surveyLinkDays = 60;

function renderer(dir: URL = templateDir): HandlebarsRenderer {
  return new HandlebarsRenderer(
    dir,
    { firmName: 'Acme Consulting', signature: 'Grace, for Acme Consulting' },
    { publicUrl: 'https://farewell.example', keys, surveyLinkDays },
    { now: () => fixedDate },
  );
}

function stepOf(exit: Exit, id: string): Step {
  const step = exit.steps[id];
  if (!step) throw new Error(`fixture has no step ${id}`);
  return step;
}

function withClient(overrides: Partial<Exit['client']>, rest: Partial<Exit> = {}): Exit {
  const exit = buildExit(rest);
  return { ...exit, client: { ...exit.client, ...overrides } };
}

describe('HandlebarsRenderer: the notice', () => {
  it('uses a different email for a firm-initiated and a client-initiated exit', () => {
    const firm = buildExit({ initiatedBy: 'firm' });
    const client = buildExit({ initiatedBy: 'client' });

    const fromFirm = renderer().render(firm, stepOf(firm, 'notice'));
    const fromClient = renderer().render(client, stepOf(client, 'notice'));

    expect(fromFirm.subject).toMatch(
      /^Acme Consulting: our work together ends on Monday,? 31 March 2025$/,
    );
    expect(fromClient.subject).toBe('We have received your decision, Ada Client');
    expect(fromFirm.text).toContain('has decided to bring our engagement');
    expect(fromClient.text).toContain('you have decided to end our work together');
  });

  it.each(['firm', 'client'] as const)(
    'addresses the client by name in both parts when %s-initiated',
    (initiatedBy) => {
      const exit = buildExit({ initiatedBy });

      const email = renderer().render(exit, stepOf(exit, 'notice'));

      expect(email.html).toContain('<p>Dear Ada Client,</p>');
      expect(email.text).toMatch(/^Dear Ada Client,\n/);
    },
  );

  // ICU versions differ on the comma after the English weekday.
  it.each([
    ['firm', 'en-GB', 'Monday,? 31 March 2025'],
    ['client', 'en-GB', 'Monday,? 31 March 2025'],
    ['firm', 'fr-FR', 'lundi 31 mars 2025'],
    ['client', 'fr-FR', 'lundi 31 mars 2025'],
  ] as const)(
    'formats the effective date of a %s-initiated exit in the client locale %s',
    (initiatedBy, locale, expected) => {
      const exit = withClient({ locale }, { initiatedBy });

      const email = renderer().render(exit, stepOf(exit, 'notice'));

      expect(email.html).toMatch(new RegExp(`<strong>${expected}</strong>`));
      expect(email.text).toMatch(new RegExp(`${expected}[,.]`));
    },
  );

  it('sets the HTML lang from the client locale', () => {
    const exit = withClient({ locale: 'fr-FR' });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).toContain('<html lang="fr">');
  });

  it('lists the handover items in the HTML part', () => {
    const exit = buildExit({ handover: ['Design files', 'Hosting credentials'] });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).toContain('<li>Design files</li><li>Hosting credentials</li>');
  });

  it('lists the handover items in the text part', () => {
    const exit = buildExit({ handover: ['Design files', 'Hosting credentials'] });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).toContain('\n- Design files\n- Hosting credentials\n');
  });

  it('leaves out the handover paragraph when there is nothing to hand over', () => {
    const exit = buildExit({ handover: [] });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).not.toContain('hand over:');
    expect(email.html).not.toContain('<ul>');
  });
});

describe('HandlebarsRenderer: user data', () => {
  const hostileName = 'Ada <script>alert(1)</script>';

  it('escapes a client name with markup in the HTML part', () => {
    const exit = withClient({ name: hostileName });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Dear Ada &lt;script&gt;alert(1)&lt;/script&gt;,');
  });

  it('keeps a client name with markup literal in the text part', () => {
    const exit = withClient({ name: hostileName });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).toContain(`Dear ${hostileName},`);
  });

  it('escapes the subject where the layout puts it in the HTML title', () => {
    const exit = withClient({ name: hostileName }, { initiatedBy: 'client' });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.subject).toBe(`We have received your decision, ${hostileName}`);
    expect(email.html).toContain(
      '<title>We have received your decision, Ada &lt;script&gt;alert(1)&lt;/script&gt;</title>',
    );
  });

  it('puts no HTML entities in the text part', () => {
    const exit = withClient(
      { name: hostileName, company: 'Smith & Sons "Ltd"' },
      { handover: ["R&D notes <draft>, 'v2'"], reason: 'Budget = 0 & `priorities`' },
    );

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).toContain('Smith & Sons "Ltd"');
    expect(email.text).toContain("- R&D notes <draft>, 'v2'");
    expect(email.text).toContain('Budget = 0 & `priorities`');
    expect(email.text).not.toMatch(/&(amp|lt|gt|quot|#x?[0-9a-f]+);/i);
  });
});

describe('HandlebarsRenderer: the survey link', () => {
  const surveyLink = /https:\/\/farewell\.example\/s\/([A-Za-z0-9_.-]+)/;

  it.each(['survey', 'survey-reminder'])(
    'puts a signed survey link in the %s email that verifies for the survey',
    (stepId) => {
      const exit = buildExit();

      const email = renderer().render(exit, stepOf(exit, stepId));

      const token = email.text.match(surveyLink)?.[1] ?? '';
      expect(verifyLinkToken(keys, token, 'survey', fixedDate)).toEqual({
        valid: true,
        claims: {
          exitId: exit.id,
          purpose: 'survey',
          expiresAt: fixedDate.getTime() / 1000 + surveyLinkDays * 86_400,
        },
      });
    },
  );

  it('links to the same survey URL from the HTML part', () => {
    const exit = buildExit();

    const email = renderer().render(exit, stepOf(exit, 'survey'));

    const url = email.text.match(surveyLink)?.[0] ?? 'no link in text';
    expect(email.html).toContain(`<a href="${url}">`);
  });

  it('does not accept the survey token as an unsubscribe token', () => {
    const exit = buildExit();

    const email = renderer().render(exit, stepOf(exit, 'survey'));

    const token = email.text.match(surveyLink)?.[1] ?? '';
    expect(verifyLinkToken(keys, token, 'unsubscribe', fixedDate)).toEqual({
      valid: false,
      reason: 'wrong-purpose',
    });
  });
});

describe('HandlebarsRenderer: every step kind', () => {
  it.each(['notice', 'gratitude', 'survey', 'survey-reminder', 'check-in-1'])(
    'renders the %s step with a one-line subject, an HTML document and a text part',
    (stepId) => {
      const exit = buildExit();

      const email = renderer().render(exit, stepOf(exit, stepId));

      expect(email.subject).toMatch(/^\S.*\S$/);
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(email.html).toMatch(/^<!DOCTYPE html>/);
      expect(email.html).toContain('Grace, for Acme Consulting');
      expect(email.text).toMatch(/^Dear Ada Client,\n[\s\S]*Grace, for Acme Consulting\n$/);
    },
  );

  it('renders a notice for a client without company, reason or highlights', () => {
    const base = buildExit({ handover: [], highlights: [] });
    const { company: _company, ...client } = base.client;
    const exit: Exit = { ...base, client };

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).not.toContain(' with Example Ltd');
  });
});

describe('HandlebarsRenderer: strict templates', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'farewell-templates-'));
    cpSync(templateDir, dir, { recursive: true });
    writeFileSync(
      join(dir, 'gratitude.html.hbs'),
      '<p>Dear {{client.name}}, {{missingThing}}</p>\n',
    );
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('throws when a template uses a value the view does not provide', () => {
    const broken = renderer(pathToFileURL(`${dir}/`));
    const exit = buildExit();

    expect(() => broken.render(exit, stepOf(exit, 'gratitude'))).toThrow(/missingThing/);
  });

  it('still renders the templates that use only provided values', () => {
    const broken = renderer(pathToFileURL(`${dir}/`));
    const exit = buildExit();

    const email = broken.render(exit, stepOf(exit, 'notice'));

    expect(email.text).toContain('Dear Ada Client,');
  });
});
