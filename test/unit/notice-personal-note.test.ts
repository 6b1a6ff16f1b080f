import { describe, expect, it } from 'vitest';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { buildExit } from '../support/exit-fixture.js';

const now = new Date('2025-03-03T09:02:00.000Z');
const renderer = new HandlebarsRenderer({
  branding: { firmName: 'Acme Consulting', signature: 'Acme Consulting' },
  links: { publicUrl: 'https://farewell.example', keys: ['k'.repeat(32)] },
  clock: { now: () => now },
});

describe('the notice with the personal paragraph of its approval', () => {
  for (const initiatedBy of ['firm', 'client'] as const) {
    it(`places each paragraph, escaped, in the HTML and the text (${initiatedBy}-initiated)`, () => {
      const exit = buildExit({
        initiatedBy,
        personalNote: 'It was a joy <b>working</b> with you.\nTruly.\n\nSee you & yours soon.',
      });
      const step = exit.steps.notice;
      if (!step) throw new Error('fixture has a notice');

      const email = renderer.render(exit, step);

      expect(email.html).toContain('It was a joy &lt;b&gt;working&lt;/b&gt; with you. Truly.');
      expect(email.html).toContain('See you &amp; yours soon.');
      expect(email.html).not.toContain('<b>working</b>');
      expect(email.text).toContain(
        'It was a joy <b>working</b> with you. Truly.\n\nSee you & yours soon.',
      );
    });
  }

  it('adds nothing without one', () => {
    const exit = buildExit();
    const step = exit.steps.notice;
    if (!step) throw new Error('fixture has a notice');
    expect(renderer.render(exit, step).text).not.toContain('joy');
  });
});
