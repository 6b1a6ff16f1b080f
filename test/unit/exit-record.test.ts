import { describe, expect, it } from 'vitest';
import { erasureOf } from '../../functions/domain/erasure.js';
import type { Exit } from '../../functions/domain/exit.js';
import { exitRecordDocument } from '../../functions/handlers/console/exit-record.js';
import { exitRecordView } from '../../functions/rendering/console/exit-record.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { PageRenderer } from '../../functions/rendering/page-renderer.js';
import { buildExit } from '../support/exit-fixture.js';

const XSS = '<img src=x onerror=alert(1)>';
const now = new Date('2025-05-01T09:00:00.000Z');
const branding = { firmName: 'Acme Consulting', signature: 'Acme Consulting' };
const deps = {
  pages: new PageRenderer(branding),
  notices: new HandlebarsRenderer({
    branding,
    links: { publicUrl: 'https://farewell.example', keys: ['k'.repeat(32)] },
    clock: { now: () => now },
  }),
  clock: { now: () => now },
};

/** The fixture with its notice and thank-you sent. */
function endedExit(overrides: Partial<Exit> = {}): Exit {
  const exit = buildExit({ reason: XSS, ...overrides });
  const sent = (id: string) => {
    const step = exit.steps[id];
    if (step) exit.steps[id] = { ...step, state: 'sent', sentAt: step.dueAt, messageId: 'm1' };
  };
  sent('notice');
  sent('gratitude');
  return exit;
}

const subject = () => 'The subject';

describe('the exit record', () => {
  it('says who, when, by whom, why and the notice period', () => {
    const view = exitRecordView(endedExit(), subject, now);
    const parties = Object.fromEntries(view.parties.map((row) => [row.term, row.value]));
    expect(parties).toMatchObject({
      Client: 'Ada Client',
      'Ended by': 'The firm',
      Why: XSS,
      'Notice period': 'four weeks',
    });
  });

  it('lists every email sent with its date and subject, and nothing planned', () => {
    const view = exitRecordView(endedExit(), subject, now);
    expect(view.emails.map((email) => [email.label, email.subject])).toEqual([
      ['Notice', 'The subject'],
      ['Thank-you', 'The subject'],
    ]);
  });

  it('of an erased exit shows only the anonymised record, no subject', () => {
    const exit = endedExit();
    const erasure = erasureOf(exit, now.toISOString(), 'console');
    const erased: Exit = {
      ...exit,
      status: erasure.status,
      client: erasure.client,
      timeline: erasure.timeline,
      handover: [],
      erasedAt: erasure.at,
    };
    delete erased.reason;

    const html = exitRecordDocument(deps, erased);

    expect(html).toContain('anonymised record');
    expect(html).not.toContain('Ada Client');
    expect(html).toContain('(not kept after erasure)');
  });

  it('is one HTML file: the stylesheet inlined, everything escaped', () => {
    const html = exitRecordDocument(deps, endedExit());
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).not.toContain('<link rel="stylesheet"');
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;img src');
  });
});
