import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { NO_CHECKLIST } from '../../functions/domain/checklist-rules.js';
import { ConfigError, ValidationError } from '../../functions/domain/errors.js';
import type { Exit } from '../../functions/domain/exit.js';
import {
  approve,
  discard,
  MAX_PERSONAL_NOTE,
  needsApproval,
  personalNoteOf,
} from '../../functions/domain/exit-approval.js';
import { parseExitRequest } from '../../functions/domain/exit-request.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { buildExit } from '../../functions/domain/use-cases/start-exit.js';
import { validSettings } from '../support/settings.js';
import { thrownBy } from '../support/thrown.js';

// Tuesday 3 March 2026, 10:00 in Paris.
const created = new Date('2026-03-03T09:00:00Z');
const defaults = { timezone: 'Europe/Paris', locale: 'en-GB' };

function heldExit(): Exit {
  const request = parseExitRequest({
    client: { name: 'Ada Client', email: 'ada@example.com', timezone: 'Europe/Paris' },
    initiatedBy: 'firm',
    effectiveOn: '2026-03-31',
  });
  return buildExit(
    request,
    'x1',
    { source: 'webhook', eventId: 'msg_1' },
    created,
    defaults,
    DEFAULT_RULES,
    NO_CHECKLIST,
    true,
  );
}

describe('FAREWELL_NOTICE_APPROVAL', () => {
  it('defaults to none and accepts webhook and all', () => {
    expect(loadConfig(validSettings()).FAREWELL_NOTICE_APPROVAL).toBe('none');
    for (const value of ['none', 'webhook', 'all'] as const) {
      const config = loadConfig({ ...validSettings(), FAREWELL_NOTICE_APPROVAL: value });
      expect(config.FAREWELL_NOTICE_APPROVAL).toBe(value);
    }
  });

  it('refuses any other value with an error naming the variable', () => {
    const message = thrownBy(ConfigError, () =>
      loadConfig({ ...validSettings(), FAREWELL_NOTICE_APPROVAL: 'webhooks' }),
    ).message;
    expect(message).toContain('FAREWELL_NOTICE_APPROVAL: must be none, webhook or all');
  });

  it('holds webhook exits under webhook, every exit under all, none under none', () => {
    expect(needsApproval('webhook', 'webhook')).toBe(true);
    expect(needsApproval('webhook', 'console')).toBe(false);
    expect(needsApproval('webhook', 'import')).toBe(false);
    expect(needsApproval('all', 'console')).toBe(true);
    expect(needsApproval('none', 'webhook')).toBe(false);
  });
});

describe('buildExit held for approval', () => {
  it('plans every step but waits in awaiting-approval', () => {
    const exit = heldExit();
    expect(exit.status).toBe('awaiting-approval');
    expect(exit.steps.notice?.state).toBe('scheduled');
    expect(exit.timeline[0]?.detail).toContain('waits for approval');
  });
});

describe('approve', () => {
  it('starts the plan at the moment of approval, keeping the notice period', () => {
    const exit = heldExit();
    // Approved two days later, Thursday 5 March 10:00 in Paris.
    const now = new Date('2026-03-05T09:00:00Z');

    const decision = approve(exit, now, DEFAULT_RULES, 'console', 'See you at the meetup.');

    expect(decision.outcome).toBe('write');
    if (decision.outcome !== 'write') return;
    const { change } = decision;
    expect(change.from).toEqual(['awaiting-approval']);
    expect(change.to).toBe('active');
    expect(change.effectiveOn).toBe('2026-04-02');
    expect(change.replannedFrom).toBe('2026-03-31');
    expect(change.personalNote).toBe('See you at the meetup.');
    expect(Date.parse(change.reschedule?.notice ?? '')).toBeGreaterThanOrEqual(now.getTime());
    expect(change.entry.event).toBe('exit.approved');
    expect(change.entry.detail).toContain('notice period is kept');
  });

  it('approved the same day keeps the effective date', () => {
    const exit = heldExit();
    const decision = approve(exit, new Date('2026-03-03T10:00:00Z'), DEFAULT_RULES, 'console');
    expect(decision.outcome).toBe('write');
    if (decision.outcome !== 'write') return;
    expect(decision.change.effectiveOn).toBeUndefined();
    expect(decision.change.personalNote).toBeUndefined();
  });

  it('changes nothing on an exit already approved, refuses a discarded or erased one', () => {
    const exit = heldExit();
    const now = new Date('2026-03-05T09:00:00Z');
    expect(approve({ ...exit, status: 'active' }, now, DEFAULT_RULES, 'console')).toEqual({
      outcome: 'unchanged',
    });
    expect(approve({ ...exit, status: 'cancelled' }, now, DEFAULT_RULES, 'console').outcome).toBe(
      'refused',
    );
    expect(
      approve({ ...exit, erasedAt: now.toISOString() }, now, DEFAULT_RULES, 'console').outcome,
    ).toBe('refused');
  });
});

describe('discard', () => {
  it('cancels a waiting exit, every planned step skipped', () => {
    const exit = heldExit();
    const decision = discard(exit, '2026-03-04T09:00:00.000Z', 'console');
    expect(decision.outcome).toBe('write');
    if (decision.outcome !== 'write') return;
    expect(decision.change.to).toBe('cancelled');
    expect(decision.change.skip?.stepIds.sort()).toEqual(Object.keys(exit.steps).sort());
    expect(decision.change.entry.event).toBe('exit.discarded');
  });

  it('refuses an exit past approval', () => {
    const exit = { ...heldExit(), status: 'active' as const };
    expect(discard(exit, '2026-03-04T09:00:00.000Z', 'console').outcome).toBe('refused');
  });
});

describe('personalNoteOf', () => {
  it('normalises line endings, drops control characters and trims', () => {
    expect(personalNoteOf('  Hello\r\n\r\nThanks\u0007 ')).toBe('Hello\n\nThanks');
    expect(personalNoteOf('   ')).toBeUndefined();
    expect(personalNoteOf(undefined)).toBeUndefined();
  });

  it('refuses a paragraph past the limit, naming the field', () => {
    const error = thrownBy(ValidationError, () =>
      personalNoteOf('x'.repeat(MAX_PERSONAL_NOTE + 1)),
    );
    expect(error.problems[0]?.field).toBe('personalNote');
  });
});
