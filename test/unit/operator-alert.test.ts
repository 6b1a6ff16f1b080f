import { describe, expect, it } from 'vitest';
import { reviseResponse } from '../../functions/domain/survey.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { buildExit } from '../support/exit-fixture.js';

const renderer = new HandlebarsRenderer({
  branding: { firmName: 'Acme Consulting', signature: 'Grace' },
  links: { publicUrl: 'https://farewell.example', keys: ['k'.repeat(32)] },
  clock: { now: () => new Date('2025-04-05T12:00:00.000Z') },
});
const T1 = '2025-04-05T12:00:00.000Z';
const T2 = '2025-04-06T09:00:00.000Z';

describe('the operator alert about survey answers', () => {
  const exit = buildExit({ client: { ...buildExit().client, name: 'Ada\r\nBcc: x' } });
  const first = reviseResponse(
    undefined,
    {
      score: 4,
      reason: 'communication',
      whatDidNot: 'Replies took <b>a week</b>.\nEvery time.',
      winBack: 'yes',
      testimonial: 'Careful & kind',
      publishAs: 'anonymous',
    },
    T1,
  );
  const reasons = ['a score of 4 out of 10', 'they left a testimonial'];

  it('says why it was sent and carries the answers, escaped in HTML and literal in text', () => {
    const email = renderer.renderOperatorAlert(exit, first, reasons);

    expect(email.html).toMatch(/<li[^>]*>a score of 4 out of 10<\/li>/);
    expect(email.html).toContain('Replies took &lt;b&gt;a week&lt;/b&gt;.');
    expect(email.html).toContain('Careful &amp; kind');
    expect(email.html).toContain('They agree to its publication without any name.');
    expect(email.text).toContain('What did not work:\nReplies took <b>a week</b>.\nEvery time.');
    expect(email.text).toContain('Would consider working with us again: Yes');
  });

  it('keeps the subject on one line and offers no unsubscribe', () => {
    const email = renderer.renderOperatorAlert(exit, first, reasons);

    expect(email.subject).toBe('Exit survey: Ada Bcc: x scored 4/10');
    expect(email.headers).toBeUndefined();
    expect(email.text).not.toContain('Unsubscribe');
  });

  it("links to the exit's page in the console and carries no client footer", () => {
    const email = renderer.renderOperatorAlert(exit, first, reasons);
    const url = `https://farewell.example/admin/exits/${exit.id}`;

    expect(email.html).toContain(`href="${url}"`);
    expect(email.text).toContain(url);
    for (const body of [email.html, email.text]) {
      expect(body).not.toContain('because of your work with');
      expect(body).not.toContain('Unsubscribe');
    }
  });

  it('asks to take a testimonial down when this revision withdrew consent', () => {
    const { publishAs: _, ...withoutConsent } = first.answers;
    const revised = reviseResponse(first, withoutConsent, T2);

    const email = renderer.renderOperatorAlert(exit, revised, [
      'they withdrew consent to publish it',
    ]);

    expect(email.subject).toMatch(/^Revised exit survey:/);
    expect(email.text).toContain('They withdrew their permission to publish their testimonial.');
    expect(email.text).toContain('They did not agree to its publication: keep it private.');
  });
});
