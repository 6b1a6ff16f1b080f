import { describe, expect, it } from 'vitest';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { normaliseHandover } from '../../functions/domain/handover.js';
import { verifyLinkToken } from '../../functions/domain/link-token.js';
import type { RenderedEmail } from '../../functions/domain/ports.js';
import type { Branding } from '../../functions/rendering/branding.js';
import { HandlebarsRenderer, toHeaderText } from '../../functions/rendering/handlebars-renderer.js';
import { renderPreviews } from '../../functions/rendering/preview-site.js';
import { formatDate } from '../../functions/rendering/time-words.js';
import { buildExit } from '../support/exit-fixture.js';

const keys = ['k'.repeat(32)];
const noticeSentAt = new Date('2025-03-03T09:02:00.000Z');
const branding: Branding = {
  firmName: 'Acme Consulting',
  signature: 'Grace, for Acme Consulting',
  postalAddress: '1 Example Street, Springfield',
};
const DAY = 86_400;

function renderer(
  options: { now?: Date; branding?: Branding; publicUrl?: string } = {},
): HandlebarsRenderer {
  const now = options.now ?? noticeSentAt;
  return new HandlebarsRenderer({
    branding: options.branding ?? branding,
    links: { publicUrl: options.publicUrl ?? 'https://farewell.example', keys },
    clock: { now: () => now },
  });
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

/** Renders a step at the time it is due, as the sequence would. */
function renderAtDue(exit: Exit, stepId: string, options: { branding?: Branding } = {}) {
  const step = stepOf(exit, stepId);
  return renderer({ ...options, now: new Date(step.dueAt) }).render(exit, step);
}

/** The six emails: both notice variants, then one per other step kind. */
const EMAILS = [
  { email: 'notice-firm', initiatedBy: 'firm', stepId: 'notice' },
  { email: 'notice-client', initiatedBy: 'client', stepId: 'notice' },
  { email: 'gratitude', initiatedBy: 'firm', stepId: 'gratitude' },
  { email: 'survey', initiatedBy: 'firm', stepId: 'survey' },
  { email: 'survey-reminder', initiatedBy: 'firm', stepId: 'survey-reminder' },
  { email: 'check-in', initiatedBy: 'firm', stepId: 'check-in-1' },
] as const;

const UNSUBSCRIBABLE = ['survey', 'survey-reminder', 'check-in'];
const TRANSACTIONAL = ['notice-firm', 'notice-client', 'gratitude'];

function sample(email: (typeof EMAILS)[number], overrides: Partial<Exit> = {}): RenderedEmail {
  const exit = buildExit({
    id: 'x0123456789abcdef01234567',
    initiatedBy: email.initiatedBy,
    reason: 'Your needs have grown beyond the analytics work we specialise in.',
    ...overrides,
  });
  return renderAtDue(exit, email.stepId);
}

describe('every email', () => {
  it.each(EMAILS)('renders $email with sample data: subject, HTML document, text part', (email) => {
    const rendered = sample(email);

    expect(rendered.subject).toMatch(/^\S.*\S$/);
    expect(rendered.html).toMatch(/^<!DOCTYPE html>\n<html lang="en"/);
    expect(rendered.html).toContain('Dear Ada,');
    expect(rendered.html).toContain('Grace, for Acme Consulting');
    expect(rendered.text).toMatch(/^Dear Ada,\n\n/);
    expect(rendered.text).toContain('\nGrace, for Acme Consulting\n\n--\n');
    expect(rendered.text).toMatch(/\n$/);
  });

  // Dates are replaced so the snapshot does not depend on the ICU version (comma after weekday).
  it.each(EMAILS)('keeps the text part of $email as reviewed', (email) => {
    const rendered = sample(email);

    const both = `Subject: ${rendered.subject}\n\n${rendered.text}`;
    expect(both.replaceAll(formatDate('2025-03-31', 'en-GB'), '<31 March 2025>')).toMatchSnapshot();
  });

  it.each(EMAILS)('puts the preheader of $email first in the HTML body, hidden', (email) => {
    const rendered = sample(email);

    expect(rendered.html).toMatch(
      /<body[^>]*>\n<div class="preheader" style="display: none;[^"]*">\S/,
    );
  });

  it.each(EMAILS)('styles $email inline, keeping only media queries in <style>', (email) => {
    const rendered = sample(email);

    const style = rendered.html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
    expect(style.replace(/@media[^{]+\{(?:[^{}]*\{[^{}]*\})*\s*\}/g, '').trim()).toBe('');
    expect(rendered.html).toMatch(/<p style="margin: 0 0 16px;[^"]*">Dear Ada,<\/p>/);
    expect(rendered.html).toContain('@media (prefers-color-scheme: dark)');
  });
});

describe('the notice', () => {
  it('sends a different email when the firm ends the engagement and when the client does', () => {
    const fromFirm = sample(EMAILS[0]);
    const fromClient = sample(EMAILS[1]);

    expect(fromFirm.subject).toBe(
      `Our work together will end on ${formatDate('2025-03-31', 'en-GB')}`,
    );
    expect(fromClient.subject).toBe('We have received your decision, Ada');
    expect(fromFirm.text).toContain('We have decided to bring our engagement with Example Ltd');
    expect(fromClient.text).toContain('Example Ltd has decided to end our work together');
  });

  it('gives the firm-initiated notice its facts: date, notice period, reason, handover, call', () => {
    const { text } = sample(EMAILS[0]);

    expect(text).toContain(
      `last working day for you: ${formatDate('2025-03-31', 'en-GB')}, four weeks from today.`,
    );
    expect(text).toContain('Our reason, in short: Your needs have grown beyond the analytics');
    expect(text).toContain('\n- Design files\n- Hosting credentials\n');
    expect(text).toContain('If a call would help, reply to this email');
  });

  it('asks what fell short and offers to put it right when the client leaves', () => {
    const { text } = sample(EMAILS[1]);

    expect(text).toContain('What fell short');
    expect(text).toContain('If it is something we can put right, tell us and we will.');
    expect(text).not.toContain('Your needs have grown');
  });

  it('leaves out the notice period when the effective date is today', () => {
    const exit = buildExit({ effectiveOn: '2025-03-03' });

    const { text } = renderer().render(exit, stepOf(exit, 'notice'));

    expect(text).not.toContain('from today');
  });

  it('says the work ends today, not that there is time to plan, when the date is today', () => {
    const firm = buildExit({ effectiveOn: '2025-03-03' });
    const client = buildExit({ effectiveOn: '2025-03-03', initiatedBy: 'client' });

    const toFirm = renderer().render(firm, stepOf(firm, 'notice'));
    const toClient = renderer().render(client, stepOf(client, 'notice'));

    expect(toFirm.subject).toMatch(/^Our work together ends today, Monday,? 3 March 2025$/);
    expect(toFirm.text).toMatch(/Our last working day for you: today, Monday,? 3 March 2025\./);
    expect(toFirm.text).toContain('Before the day ends, we will hand over:');
    expect(toFirm.text).not.toMatch(/early enough to plan|Until then/);
    expect(toFirm.html).toContain('<strong>today, ');
    expect(toClient.text).toMatch(/Our work for you ends today, Monday,? 3 March 2025\./);
    expect(toClient.text).toContain('Before the day ends, we will hand over:');
  });

  // ICU versions differ on the comma after the English weekday.
  it.each([
    ['firm', 'en-GB', 'Monday,? 31 March 2025'],
    // English words in an English email, French conventions (day before month).
    ['client', 'fr-FR', 'Monday,? 31 March 2025'],
    ['firm', 'en-US', 'Monday, March 31, 2025'],
  ] as const)(
    'formats the date of a %s-initiated exit in English with the conventions of %s',
    (initiatedBy, locale, expected) => {
      const exit = withClient({ locale }, { initiatedBy });

      const email = renderer().render(exit, stepOf(exit, 'notice'));

      expect(email.html).toMatch(new RegExp(`<strong[^>]*>${expected}</strong>`));
      expect(email.text).toMatch(new RegExp(`${expected}[,.]`));
    },
  );

  it('sets the HTML lang from the client locale', () => {
    const exit = withClient({ locale: 'fr-FR' });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).toContain('<html lang="fr" dir="ltr">');
  });

  it('lists the handover items in the HTML part', () => {
    const exit = buildExit({
      handover: normaliseHandover(['Design files', 'Hosting credentials']),
    });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).toMatch(/<li[^>]*>Design files<\/li>\n<li[^>]*>Hosting credentials<\/li>/);
  });

  it('leaves out the handover list when there is nothing to hand over', () => {
    const exit = buildExit({ handover: [] });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).not.toContain('we will hand over:');
    expect(email.html).not.toContain('<ul');
  });

  it('renders for a client without company or reason', () => {
    const base = buildExit({ handover: [], highlights: [] });
    const { company: _company, ...client } = base.client;
    const exit: Exit = { ...base, client };

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).toContain('bring our engagement to a close.');
    expect(email.text).not.toContain('Our reason');
  });
});

describe('gratitude and check-in', () => {
  it('thanks the client for the length of the relationship when its start is known', () => {
    const { text } = sample(EMAILS[2]);

    expect(text).toContain(
      'the trust you placed in us over the past three years, and for the time',
    );
    expect(text).toContain('- Launched the new storefront\n');
  });

  it('says no length when the start of the relationship is unknown', () => {
    const exit = buildExit();
    delete exit.relationshipStartedOn;

    const { text } = renderAtDue(exit, 'gratitude');

    expect(text).toContain('the trust you placed in us, and for the time');
  });

  it('says how long ago the work ended in the check-in', () => {
    const { text, subject } = sample(EMAILS[5]);

    expect(subject).toBe('Hello from Acme Consulting');
    expect(text).toContain('It has been six months since our work together ended');
  });
});

describe('the greeting name', () => {
  const longName = 'Maximilian Alexander von Hohenberg Honorary Consul';

  it.each(EMAILS)('greets by the greeting name the caller gave in $email', (email) => {
    const exit = withClient({ greetingName: 'Max' }, { initiatedBy: email.initiatedBy });

    const { text, html } = renderAtDue(exit, email.stepId);

    expect(text).toMatch(/^Dear Max,\n/);
    expect(html).toContain('Dear Max,');
  });

  it('greets and thanks by the first word of a long plain name, keeping the name elsewhere', () => {
    const exit = withClient({ name: longName });

    const gratitude = renderAtDue(exit, 'gratitude');
    const fromClient = renderAtDue({ ...exit, initiatedBy: 'client' }, 'notice');

    expect(gratitude.subject).toBe('Thank you, Maximilian');
    expect(gratitude.text).toMatch(/^Dear Maximilian,\n/);
    expect(fromClient.subject).toBe('We have received your decision, Maximilian');
  });
});

describe('the firm’s notice and its handover', () => {
  it('speaks of handover notes only when there are handover items', () => {
    const without = renderAtDue(buildExit({ initiatedBy: 'firm', handover: [] }), 'notice');
    const withItems = renderAtDue(buildExit({ initiatedBy: 'firm' }), 'notice');

    expect(without.text).not.toContain('With it come notes');
    expect(without.html).not.toContain('With it come notes');
    expect(withItems.text).toContain('With it come notes');
    expect(withItems.html).toContain('With it come notes');
  });
});

describe('dates of a client with another language', () => {
  it('writes the effective date in English with the client’s regional conventions (de-DE)', () => {
    const exit = withClient({ locale: 'de-DE', country: 'DE' });

    const { subject, text } = renderAtDue(exit, 'notice');

    expect(subject).toMatch(/^Our work together will end on Monday,? 31 March 2025$/);
    expect(text).not.toContain('Montag');
  });
});

describe('the gratitude, by when it is sent', () => {
  // The fixture's effective date is Monday 31 March 2025; the client is in Paris.
  const exit = buildExit();
  const gratitude = (now: string) =>
    renderer({ now: new Date(now) }).render(exit, stepOf(exit, 'gratitude'));
  const day = formatDate('2025-03-31', 'en-GB');

  it('names the last day ahead when sent before it (send now)', () => {
    const { text, html } = gratitude('2025-03-28T09:00:00.000Z');

    expect(text).toContain(`Your last day with us is ${day}, and we want to thank you`);
    expect(text).not.toMatch(/today/i);
    expect(html).toContain(`Our work together ends on ${day}. A thank-you, and how to reach us`);
  });

  it('says today on the effective date in the client’s zone', () => {
    // 23:30 UTC on 30 March is already 31 March in Paris.
    const { text } = gratitude('2025-03-30T22:30:00.000Z');

    expect(text).toContain('Today is the last day of our work together, and we want to thank you');
    expect(text).toContain('The engagement ends today, but our help');
  });

  it('speaks of the past when sent after it (late, or the business day after a weekend)', () => {
    const { text, html } = gratitude('2025-04-01T07:00:00.000Z');

    expect(text).toContain(`Our work together ended on ${day}, and we want to thank you`);
    expect(text).not.toMatch(/today/i);
    expect(html).toContain(`Our work together ended on ${day}. A thank-you, and how to reach us`);
  });
});

describe('the survey links', () => {
  const surveyLink = /https:\/\/farewell\.example\/s\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

  it.each(['survey', 'survey-reminder'])(
    'signs a survey link valid 60 days in the %s email',
    (stepId) => {
      const exit = buildExit();
      const sentAt = new Date(stepOf(exit, stepId).dueAt);

      const email = renderAtDue(exit, stepId);

      const token = email.text.match(surveyLink)?.[1] ?? '';
      expect(verifyLinkToken(keys, token, 'survey', sentAt)).toEqual({
        valid: true,
        claims: {
          exitId: exit.id,
          purpose: 'survey',
          expiresAt: sentAt.getTime() / 1000 + 60 * DAY,
        },
      });
    },
  );

  it.each(['survey', 'survey-reminder'])(
    'has an "Answer the survey" button in the %s email',
    (stepId) => {
      const exit = buildExit();

      const email = renderAtDue(exit, stepId);

      const url = email.text.match(surveyLink)?.[0] ?? 'no link in text';
      expect(email.html).toMatch(
        new RegExp(`<a class="button" href="${url}"[^>]*>Answer the survey</a>`),
      );
      expect(email.text).toContain(`Answer the survey: ${url}\n`);
    },
  );

  it('shows the 0–10 recommendation scale as eleven links that preselect the score', () => {
    const exit = buildExit();

    const email = renderAtDue(exit, 'survey');

    const url = email.text.match(surveyLink)?.[0] ?? 'no link in text';
    const scale = [...email.html.matchAll(/<a class="scale-link" href="([^"]+)"[^>]*>(\d+)<\/a>/g)];
    expect(scale.map(([, href, label]) => [href, label])).toEqual(
      Array.from({ length: 11 }, (_, n) => [`${url}?score=${n}`, String(n)]),
    );
  });

  it('does not accept the survey token as an unsubscribe token', () => {
    const exit = buildExit();

    const email = renderAtDue(exit, 'survey');

    const token = email.text.match(surveyLink)?.[1] ?? '';
    expect(verifyLinkToken(keys, token, 'unsubscribe', noticeSentAt)).toEqual({
      valid: false,
      reason: 'wrong-purpose',
    });
  });
});

describe('headers', () => {
  const unsubscribeHeader =
    /^<(https:\/\/farewell\.example\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+))>$/;

  it.each(EMAILS.filter((e) => UNSUBSCRIBABLE.includes(e.email)))(
    'gives $email RFC 8058 one-click unsubscribe headers with a token valid 400 days',
    (email) => {
      const exit = buildExit();
      const sentAt = new Date(stepOf(exit, email.stepId).dueAt);

      const { headers } = renderAtDue(exit, email.stepId);

      const [, , token] = headers?.['List-Unsubscribe']?.match(unsubscribeHeader) ?? [];
      expect(headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(verifyLinkToken(keys, token ?? '', 'unsubscribe', sentAt)).toEqual({
        valid: true,
        claims: {
          exitId: exit.id,
          purpose: 'unsubscribe',
          expiresAt: sentAt.getTime() / 1000 + 400 * DAY,
        },
      });
    },
  );

  it.each(EMAILS.filter((e) => UNSUBSCRIBABLE.includes(e.email)))(
    'puts the header’s unsubscribe link in the footer of $email',
    (email) => {
      const rendered = sample(email);

      const [, url] = rendered.headers?.['List-Unsubscribe']?.match(unsubscribeHeader) ?? [];
      expect(rendered.html).toMatch(
        new RegExp(`<a class="footer-link" href="${url}"[^>]*>Unsubscribe</a>`),
      );
      expect(rendered.text).toContain(`Unsubscribe with one click: ${url}\n`);
    },
  );

  it.each(EMAILS.filter((e) => TRANSACTIONAL.includes(e.email)))(
    'sends $email, a transactional email, without unsubscribe headers or link',
    (email) => {
      const rendered = sample(email);

      expect(rendered.headers).toBeUndefined();
      expect(rendered.html).not.toContain('/u/');
      expect(rendered.text).not.toContain('/u/');
    },
  );
});

describe('user data', () => {
  const hostile = '<script>alert(1)</script> & Sons';

  it.each(EMAILS)('escapes a client called "<script>…& Sons" in the HTML of $email', (email) => {
    const rendered = sample(email, {
      client: { ...buildExit().client, name: hostile, company: hostile },
    });

    expect(rendered.html).not.toContain('<script');
    expect(rendered.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons,');
  });

  it.each(EMAILS)('keeps that client name literal in the text of $email', (email) => {
    const rendered = sample(email, {
      client: { ...buildExit().client, name: hostile, company: hostile },
    });

    expect(rendered.text).toContain(`Dear ${hostile},\n`);
    expect(rendered.text).not.toMatch(/&(amp|lt|gt|quot|#x?[0-9a-f]+);/i);
  });

  it('escapes the subject where the layout puts it in the HTML title', () => {
    const exit = withClient({ name: hostile }, { initiatedBy: 'client' });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.subject).toBe(`We have received your decision, ${hostile}`);
    expect(email.html).toContain(
      '<title>We have received your decision, &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons</title>',
    );
  });

  it('keeps quotes, ampersands and markup in handover items and reason literal in text', () => {
    const exit = withClient(
      { company: 'Smith & Sons "Ltd"' },
      {
        handover: normaliseHandover(["R&D notes <draft>, 'v2'"]),
        reason: 'Budget = 0 & `priorities`',
      },
    );

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.text).toContain('Smith & Sons "Ltd"');
    expect(email.text).toContain("- R&D notes <draft>, 'v2'");
    expect(email.text).toContain('Budget = 0 & `priorities`');
    expect(email.html).toContain('R&amp;D notes &lt;draft&gt;, &#x27;v2&#x27;');
  });

  it.each([
    ['CR LF', 'Ada\r\nBcc: mallory@evil.example'],
    ['LF', 'Ada\nBcc: mallory@evil.example'],
    ['Unicode line separator', 'Ada\u2028Bcc: mallory@evil.example'],
  ])('keeps a client name with %s out of the subject header', (_, name) => {
    const exit = withClient({ name, greetingName: name }, { initiatedBy: 'client' });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.subject).toBe('We have received your decision, Ada Bcc: mallory@evil.example');
  });

  it('keeps a firm name with a line break out of the subject header', () => {
    const exit = buildExit();

    const email = renderAtDue(exit, 'check-in-1', {
      branding: { ...branding, firmName: 'Acme\r\nBcc: mallory@evil.example' },
    });

    expect(email.subject).toBe('Hello from Acme Bcc: mallory@evil.example');
  });

  it('turns every control character into a space in header text', () => {
    expect(toHeaderText('a\r\nb\tc\u0000d\u0085e\u2029f  ')).toBe('a b c d e f');
  });
});

describe('links', () => {
  it.each(EMAILS)('uses only https links in $email when the public URL is https', (email) => {
    const exit = buildExit({ initiatedBy: email.initiatedBy });
    const rendered = renderAtDue(exit, email.stepId, {
      branding: { ...branding, logoUrl: 'https://cdn.acme.example/logo.png' },
    });

    const htmlLinks = [...rendered.html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map(
      ([, url]) => url,
    );
    const textLinks = rendered.text.match(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi) ?? [];
    expect(htmlLinks.length + textLinks.length).toBeGreaterThan(0);
    for (const url of [...htmlLinks, ...textLinks]) expect(url).toMatch(/^https:\/\//);
  });

  it('uses the loopback URL of local mode as given', () => {
    const exit = buildExit();

    const email = renderer({
      now: new Date(stepOf(exit, 'survey').dueAt),
      publicUrl: 'http://127.0.0.1:3000',
    }).render(exit, stepOf(exit, 'survey'));

    expect(email.text).toContain('Answer the survey: http://127.0.0.1:3000/s/');
    expect(email.headers?.['List-Unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:3000\/u\//);
  });
});

describe('branding', () => {
  it('shows the logo with the firm name as its alt text instead of the name', () => {
    const exit = buildExit();

    const email = renderAtDue(exit, 'gratitude', {
      branding: { ...branding, logoUrl: 'https://cdn.acme.example/logo.png' },
    });

    expect(email.html).toMatch(
      /<img class="logo" src="https:\/\/cdn\.acme\.example\/logo\.png" alt="Acme Consulting" height="40"/,
    );
  });

  it('colours the button with the accent, and picks dark text on a light accent', () => {
    const exit = buildExit();

    const email = renderAtDue(exit, 'survey', { branding: { ...branding, accent: '#ffd60a' } });

    expect(email.html).toMatch(
      /<td class="button-cell" bgcolor="#ffd60a" style="[^"]*background-color: #ffd60a;/,
    );
    expect(email.html).toMatch(/<a class="button" [^>]*style="[^"]*color: #111111;/);
  });

  it('uses the default accent with white text when none is configured', () => {
    const exit = buildExit();

    const email = renderAtDue(exit, 'survey');

    expect(email.html).toContain('bgcolor="#1f5f8b"');
    expect(email.html).toMatch(/<a class="button" [^>]*style="[^"]*color: #ffffff;/);
  });

  it('prints the postal address in the footer when configured, and no empty line otherwise', () => {
    const exit = buildExit();
    const { postalAddress: _postal, ...withoutAddress } = branding;

    const withAddress = renderAtDue(exit, 'gratitude');
    const without = renderAtDue(exit, 'gratitude', { branding: withoutAddress });

    expect(withAddress.text).toContain('\n--\nAcme Consulting, 1 Example Street, Springfield\n');
    expect(withAddress.html).toContain('Acme Consulting · 1 Example Street, Springfield</p>');
    expect(without.text).toContain('\n--\nAcme Consulting\nYou are receiving');
    expect(without.html).toContain('>Acme Consulting</p>');
  });
});

describe('the change-of-date email', () => {
  it('is in the previews, names the new and the old date, and offers no unsubscribe', () => {
    const now = new Date('2026-12-03T10:00:00.000Z');
    const preview = renderPreviews(renderer({ now }), now).find((p) => p.name === 'date-change');

    expect(preview?.email.subject).toBe('A new date for the end of our work together');
    expect(preview?.email.text).toMatch(/It is now .+2027 \(instead of .+2027\)\./);
    expect(preview?.email.headers).toBeUndefined();
    expect(preview?.email.text).not.toContain('Unsubscribe');
  });
});

describe('the handover page link', () => {
  const LINK = /https:\/\/farewell\.example\/h\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

  it.each([
    ['notice-firm', 'firm', 'notice'],
    ['notice-client', 'client', 'notice'],
    ['gratitude', 'firm', 'gratitude'],
  ] as const)(
    '%s links to the handover page in HTML and text with a handover token',
    (_email, initiatedBy, stepId) => {
      const exit = buildExit({ initiatedBy });
      const step = stepOf(exit, stepId);
      const now = new Date(step.dueAt);

      const email = renderer({ now }).render(exit, step);

      const inHtml = email.html.match(new RegExp(`href="${LINK.source}"`));
      const inText = email.text.match(LINK);
      expect(inHtml?.[1]).toBeDefined();
      expect(inText?.[1]).toBe(inHtml?.[1]);
      const check = verifyLinkToken(keys, inText?.[1] ?? '', 'handover', now);
      expect(check).toMatchObject({
        valid: true,
        claims: { exitId: exit.id, purpose: 'handover' },
      });
    },
  );

  it('has no handover link when nothing is handed over', () => {
    const exit = buildExit({ handover: [] });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).not.toContain('/h/');
    expect(email.text).not.toContain('/h/');
  });

  it('lists an item with its link and note, escaped', () => {
    const exit = buildExit({
      handover: normaliseHandover([
        { title: 'Keys <b>', url: 'https://vault.example.com/a?x=1&y="2"', note: 'Ask & see' },
      ]),
    });

    const email = renderer().render(exit, stepOf(exit, 'notice'));

    expect(email.html).toContain(
      '<a href="https://vault.example.com/a?x&#x3D;1&amp;y&#x3D;&quot;2&quot;">Keys &lt;b&gt;</a><br>Ask &amp; see',
    );
    expect(email.text).toContain('- Keys <b>: https://vault.example.com/a?x=1&y="2"\n  Ask & see');
  });
});
