import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brandedStylesheet, PageRenderer } from '../../functions/rendering/page-renderer.js';
import { loadPageTemplates } from '../../functions/rendering/page-templates.js';
import { surveyPageView, surveyThanksView } from '../../functions/rendering/survey-page.js';
import { TemplateBuildError } from '../../scripts/email-template-compiler.js';
import { compilePageTemplates, evaluatePageSpecs } from '../../scripts/page-template-compiler.js';
import { PAGE_MODULE, readPageSources } from '../../scripts/page-template-sources.js';
import { buildExit } from '../support/exit-fixture.js';

const branding = { firmName: 'Acme & Sons', signature: 'Grace' };

function compileWith(changes: Record<string, string>) {
  return compilePageTemplates(new Map([...readPageSources(), ...Object.entries(changes)]));
}

function surveyHtml(renderer: PageRenderer, fields: Record<string, string> = {}) {
  const exit = buildExit({
    client: { ...buildExit().client, name: '<script>alert(1)</script>' },
  });
  const view = surveyPageView({
    exit,
    firmName: branding.firmName,
    action: '/s/token',
    csrf: 'field-value',
    closesAt: new Date('2025-06-01T10:00:00Z'),
    fields,
  });
  return renderer.render('survey', { title: 'Exit survey' }, view);
}

describe('the page build', () => {
  it('has compiled the current page templates and stylesheet', () => {
    const expected = compilePageTemplates(readPageSources()).module;

    // Stale? `npm run build:templates` (it runs before start, test and typecheck).
    expect(readFileSync(PAGE_MODULE, 'utf8')).toBe(expected);
  });

  it('refuses a page with a triple-stash', () => {
    const build = () => compileWith({ 'message.html.hbs': '<h1>{{{heading}}}</h1>\n' });

    expect(build).toThrow(TemplateBuildError);
    expect(build).toThrow(/message: \{\{\{ \}\}\} and \{\{& \}\} are not allowed/);
  });

  it('refuses a helper Handlebars does not ship', () => {
    expect(() => compileWith({ 'message.html.hbs': '{{upper heading}}\n' })).toThrow(
      /unknown helper upper/,
    );
  });

  it('throws at render time on a value the view does not provide', () => {
    const templates = loadPageTemplates(
      evaluatePageSpecs(compileWith({ 'message.html.hbs': '<h1>{{headline}}</h1>\n' }).specs),
    );
    const renderer = new PageRenderer(branding, templates);

    expect(() =>
      renderer.render('message', { title: 'x' }, { heading: 'h', paragraphs: [] }),
    ).toThrow(/"headline" not defined/);
  });
});

describe('the survey page', () => {
  const renderer = new PageRenderer(branding);

  it('escapes what a client or operator typed', () => {
    const html = surveyHtml(renderer, { improve: '</textarea><img src=x onerror=alert(1)>' });

    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/textarea&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('Acme &amp; Sons');
  });

  it('has no script, inline style or inline handler anywhere', () => {
    const html = surveyHtml(renderer);

    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('labels every field and groups every set of radio buttons under a legend', () => {
    const html = surveyHtml(renderer);

    const textareas = [...html.matchAll(/<textarea id="([^"]+)"/g)].map((m) => m[1]);
    const radios = [...html.matchAll(/<input type="radio" id="([^"]+)"/g)].map((m) => m[1]);
    for (const id of [...textareas, ...radios]) expect(html).toContain(`for="${id}">`);
    expect(textareas).toHaveLength(5);
    expect(radios).toHaveLength(11 + 9 + 3 + 4);
    expect(html.match(/<fieldset/g)).toHaveLength(4);
    expect(html.match(/<legend/g)).toHaveLength(4);
  });

  it('chooses the score the client clicked in the email', () => {
    const html = surveyHtml(renderer, { score: '8' });

    expect(html).toContain('id="score-8" name="score" value="8" checked');
    expect(html.match(/ checked/g)).toHaveLength(1);
  });

  it('puts each message next to its field and links it from the summary', () => {
    const exit = buildExit();
    const view = surveyPageView({
      exit,
      firmName: 'Acme',
      action: '/s/t',
      csrf: 'c',
      closesAt: new Date('2025-06-01T10:00:00Z'),
      fields: { reason: 'other' },
      problems: [
        { field: 'score', message: 'Please choose a number from 0 to 10.' },
        { field: 'reasonDetail', message: 'Please tell us a little about the reason.' },
      ],
    });

    const html = renderer.render('survey', { title: 'Error: Exit survey' }, view);

    expect(html).toContain('<a href="#score-0">Please choose a number from 0 to 10.</a>');
    expect(html).toContain('<a href="#field-reasonDetail">');
    expect(html).toContain('aria-describedby="field-score-hint field-score-error"');
    expect(html).toMatch(
      /aria-describedby="field-reasonDetail-hint field-reasonDetail-error" aria-invalid="true"/,
    );
    expect(html).toContain('<title>Error: Exit survey · Acme &amp; Sons</title>');
  });
});

describe('the stylesheet', () => {
  it('carries the accent and a text colour that reads on it, and changes its hash with them', () => {
    const blue = brandedStylesheet({});
    const yellow = brandedStylesheet({ accent: '#ffd500' });

    expect(blue.css).toMatch(/^:root\{--accent:#1f5f8b;--accent-text:#ffffff\}/);
    expect(yellow.css).toMatch(/^:root\{--accent:#ffd500;--accent-text:#111111\}/);
    expect(yellow.href).toMatch(/^\/assets\/app\.css\?v=[0-9a-f]{16}$/);
    expect(yellow.hash).not.toBe(blue.hash);
  });
});

describe('the survey thank-you page', () => {
  const thanks = (publishAs: 'name' | 'company' | 'anonymous') => {
    const exit = buildExit({
      survey: {
        answers: { reason: 'budget', score: 9, testimonial: 'Great', publishAs },
        answeredAt: '2025-04-05T12:00:00.000Z',
        revisedAt: '2025-04-05T12:00:00.000Z',
        revision: 1,
      },
    });
    const view = surveyThanksView(exit, {
      revised: false,
      surveyUrl: '/s/token',
      closesAt: new Date('2025-06-01T10:00:00Z'),
      signature: 'Grace',
    });
    const page = new PageRenderer(branding);
    return page.render('survey-thanks', { title: 'Thank you' }, view).replace(/\s+/g, ' ');
  };

  it('says "only" once about publishing with the company\'s name', () => {
    const html = thanks('company');

    expect(html).toContain('with your company&#x27;s name only');
    expect(html.match(/\bonly\b/g)).toHaveLength(1);
  });

  it('offers a way to withdraw consent that does not close with the survey', () => {
    for (const scope of ['name', 'company', 'anonymous'] as const) {
      const html = thanks(scope);

      expect(html).not.toContain('whenever you wish: change your answer on the survey page');
      expect(html).toMatch(/at any time by replying to any of our emails/);
    }
  });
});
