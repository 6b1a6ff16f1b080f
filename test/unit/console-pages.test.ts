import { describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { normaliseHandover } from '../../functions/domain/handover.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import {
  formToRequestData,
  parseExitForm,
  requestFingerprint,
} from '../../functions/handlers/console/exit-form.js';
import { Csrf } from '../../functions/handlers/http/csrf.js';
import { newExitView } from '../../functions/rendering/console/exit-form.js';
import { exitsListView } from '../../functions/rendering/console/exit-list.js';
import { exitPageView } from '../../functions/rendering/console/exit-page.js';
import type { ConsoleShell } from '../../functions/rendering/console/views.js';
import { PageRenderer } from '../../functions/rendering/page-renderer.js';
import { buildExit } from '../support/exit-fixture.js';

const XSS = '<img src=x onerror=alert(1)>"><script>alert(2)</script>';
const renderer = new PageRenderer({ firmName: 'Acme & Sons', signature: 'Grace' });
const form = { action: '/a', csrf: 'token' };
const shell: ConsoleShell = {
  nav: [{ href: '/admin/exits', label: 'Exits', current: true }],
  operatorEmail: 'sam@acme.example',
  signOut: form,
  local: null,
  flash: null,
  script: null,
  sendingBlocked: null,
};

function hostileExit(): Exit {
  const exit = buildExit({
    reason: XSS,
    handover: normaliseHandover([XSS]),
    highlights: [XSS],
    tasks: {
      t1: {
        id: 't1',
        title: XSS,
        hint: XSS,
        note: XSS,
        dueOn: '2025-03-10',
        state: 'open',
        addedBy: 'webhook',
        addedAt: '2025-03-03T09:00:00.000Z',
      },
    },
  });
  return { ...exit, client: { ...exit.client, name: XSS, company: XSS } };
}

function exitHtml(exit: Exit, now = new Date('2025-03-12T09:00:00Z')): string {
  const forms = {
    pause: form,
    resume: form,
    cancel: form,
    sendNow: form,
    effectiveDate: form,
    tasks: form,
  };
  return renderer.render('console/exit', { title: 'x' }, exitPageView(exit, shell, forms, now));
}

describe('the console pages', () => {
  it('escape everything a client or operator typed', () => {
    const exit = hostileExit();
    const pages = [
      exitHtml(exit),
      renderer.render(
        'console/exits',
        { title: 'Exits' },
        exitsListView({ shell, status: 'active', search: XSS, exits: [exit], paged: false }),
      ),
      renderer.render(
        'console/exit-new',
        { title: 'New' },
        newExitView({
          shell,
          action: '/admin/exits/new',
          csrf: 'c',
          key: 'k',
          fields: { name: XSS, reason: XSS, handover: XSS },
          rules: DEFAULT_RULES,
          blank: false,
        }),
      ),
    ];

    for (const html of pages) {
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<script>alert(2)');
      expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    }
  });

  it('show each handover item with its confirmation, and flag open ones after the effective date', () => {
    // The fixture ends on 2025-03-31 (Europe/Paris).
    const exit = buildExit({
      handover: [
        {
          id: 'h1',
          title: 'Source code',
          url: 'https://git.example.com/x',
          confirmedAt: '2025-03-20T09:30:00.000Z',
        },
        { id: 'h2', title: 'Credentials', note: 'In the vault' },
      ],
      timeline: [{ at: '2025-03-20T09:30:00.000Z', event: 'handover.confirmed' }],
    });

    const before = exitHtml(exit, new Date('2025-03-25T12:00:00Z'));
    const after = exitHtml(exit, new Date('2025-04-02T12:00:00Z'));

    expect(before).toContain(
      '<a href="https://git.example.com/x" rel="noreferrer">Source code</a>',
    );
    expect(before).toContain('Confirmed Thu 20 Mar 2025, 10:30');
    expect(before).toContain('1 of 2 confirmed by the client.');
    expect(before).toContain('Handover confirmed by the client');
    expect(before).toMatch(/<span class="handover-state">Not confirmed<\/span>/);
    expect(after).toContain(
      '1 of 2 confirmed by the client; 1 still open after the effective date.',
    );
    expect(after).toContain(
      '<span class="handover-state handover-overdue">Not confirmed, past the effective date</span>',
    );
  });

  it('carry no inline script, inline style or inline handler', () => {
    const html = exitHtml(buildExit());

    expect(html).not.toMatch(/<script(?! src="\/assets\/)|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('mark the current section in the navigation', () => {
    expect(exitHtml(buildExit())).toContain('<a href="/admin/exits" aria-current="page">Exits</a>');
  });

  it('offer the actions that fit the status', () => {
    const active = exitHtml(buildExit());
    const completed = exitHtml(buildExit({ status: 'completed' }));

    expect(active).toContain('Send the notice now');
    expect(active).toContain('>Pause<');
    expect(active).not.toContain('>Resume<');
    expect(completed).not.toContain('Cancel the exit');
    expect(completed).toContain('Erase the client');
  });
});

describe('console CSRF tokens bound to the session', () => {
  const csrf = new Csrf({ keys: ['new-key', 'old-key'], secure: true });

  it('verify for the same session and action only', () => {
    const token = csrf.bound('session-1', '/admin/exits/x1/cancel');

    expect(csrf.verifyBound('session-1', '/admin/exits/x1/cancel', token)).toBe(true);
    expect(csrf.verifyBound('session-2', '/admin/exits/x1/cancel', token)).toBe(false);
    expect(csrf.verifyBound('session-1', '/admin/exits/x1/erase', token)).toBe(false);
    expect(csrf.verifyBound('session-1', '/admin/exits/x1/cancel', undefined)).toBe(false);
  });

  it('still verify a token signed with an older key', () => {
    const old = new Csrf({ keys: ['old-key'], secure: true }).bound('s', '/admin/sign-out');

    expect(csrf.verifyBound('s', '/admin/sign-out', old)).toBe(true);
  });
});

describe('the new-exit form', () => {
  it('becomes the webhook request: empty fields left out, lists one item per line', () => {
    const data = formToRequestData({
      name: ' Ada ',
      email: 'ada@client.example',
      company: '',
      initiatedBy: 'client',
      handover: 'Docs\r\n\r\n  Keys  \n',
      highlights: '',
    });

    expect(data).toEqual({
      client: { name: 'Ada', email: 'ada@client.example' },
      initiatedBy: 'client',
      handover: ['Docs', 'Keys'],
    });
  });

  it('reads a handover line with a link and a note, and names a link that is not https', () => {
    const fields = {
      name: 'Ada',
      email: 'ada@client.example',
      initiatedBy: 'firm',
      handover: 'Docs\nKeys | https://vault.example.com | In the vault\nRepo | http://git.example',
    };

    expect(formToRequestData(fields).handover).toEqual([
      'Docs',
      { title: 'Keys', url: 'https://vault.example.com', note: 'In the vault' },
      { title: 'Repo', url: 'http://git.example' },
    ]);
    expect(parseExitForm(fields)).toEqual({
      ok: false,
      problems: [{ field: 'handover', message: 'Line 3, link: must be an https:// link.' }],
    });
  });

  it('passes the greeting name to the request and names it when it is too long', () => {
    const fields = { name: 'Ada Lovelace', email: 'ada@client.example', initiatedBy: 'firm' };

    expect(formToRequestData({ ...fields, greetingName: ' Ada ' })).toMatchObject({
      client: { greetingName: 'Ada' },
    });
    const parsed = parseExitForm({ ...fields, greetingName: 'A'.repeat(61) });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems.map((problem) => problem.field)).toEqual(['greetingName']);
  });

  it('puts each problem on its own field, in words', () => {
    const parsed = parseExitForm({
      email: 'not-an-address',
      effectiveOn: '2025-02-30',
      country: 'UK',
    });

    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    expect(problems.map((p) => p.field).sort()).toEqual(
      ['country', 'effectiveOn', 'email', 'initiatedBy', 'name'].sort(),
    );
    expect(problems.find((p) => p.field === 'name')?.message).toBe("Enter the client's name.");
    expect(problems.find((p) => p.field === 'effectiveOn')?.message).toBe(
      'Must be a real calendar date as YYYY-MM-DD between 1970 and 2199.',
    );
  });

  it('fingerprints what the preview showed, so a changed form is previewed again', () => {
    const fields = { name: 'Ada', email: 'ada@client.example', initiatedBy: 'firm' };
    const first = parseExitForm(fields);
    const changed = parseExitForm({ ...fields, name: 'Ada L' });
    if (!first.ok || !changed.ok) throw new Error('valid forms expected');

    expect(requestFingerprint(first.request)).toBe(requestFingerprint(first.request));
    expect(requestFingerprint(changed.request)).not.toBe(requestFingerprint(first.request));
  });
});
