import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { erasureOf } from '../../functions/domain/erasure.js';
import { emailHash } from '../../functions/domain/ids.js';
import {
  openPreferences,
  pauseEmails,
  resubscribe,
  unsubscribe,
} from '../../functions/domain/use-cases/unsubscribe.js';
import { SUPPRESSION_KEY, startClientHarness } from '../support/client-harness.js';
import { startForFile } from '../support/start-for-file.js';

const h = startForFile(() => startClientHarness('farewell-preferences-test'));

beforeEach(() => {
  h.reset();
});

describe('unsubscribe', () => {
  it('suppresses the address, skips the reminder and check-ins, completes the exit, and deletes their schedules', async () => {
    const exit = await h.storedExit();

    const result = await unsubscribe(h.preferences, h.token(exit, 'unsubscribe', 400), 'one-click');

    expect(result.ok).toBe(true);
    const stored = await h.reload(exit);
    expect(stored.status).toBe('completed');
    expect(stored.steps['survey-reminder']).toMatchObject({
      state: 'skipped',
      reason: 'client unsubscribed',
    });
    expect(stored.steps['check-in-1']).toMatchObject({
      state: 'skipped',
      reason: 'client unsubscribed',
    });
    expect(stored.timeline.at(-1)).toMatchObject({ event: 'client.unsubscribed' });
    expect(h.cancelled.sort()).toEqual([`${exit.id}/check-in-1`, `${exit.id}/survey-reminder`]);
    expect(await h.store.suppression(emailHash(SUPPRESSION_KEY, exit.client.email))).toEqual({
      reason: 'unsubscribed',
      at: h.now.toISOString(),
    });
  });

  it('changes nothing the second time', async () => {
    const exit = await h.storedExit();
    await unsubscribe(h.preferences, h.token(exit, 'unsubscribe', 400), 'one-click');
    const once = await h.reload(exit);

    await unsubscribe(h.preferences, h.token(exit, 'unsubscribe', 400), 'one-click');

    expect(await h.reload(exit)).toEqual(once);
  });

  it('keeps a complaint as the reason an address is suppressed', async () => {
    const exit = await h.storedExit();
    const hash = emailHash(SUPPRESSION_KEY, exit.client.email);
    await h.store.suppress(hash, 'complaint', '2025-04-04T00:00:00.000Z');

    await unsubscribe(h.preferences, h.token(exit, 'unsubscribe', 400), 'page');

    expect((await h.store.suppression(hash))?.reason).toBe('complaint');
    expect((await resubscribe(h.preferences, h.token(exit, 'unsubscribe', 400))).ok).toBe(true);
    expect(await h.store.isSuppressed(hash)).toBe(true);
  });

  it('never changes anything when the page is only opened', async () => {
    const exit = await h.storedExit();

    const result = await openPreferences(h.preferences, h.token(exit, 'unsubscribe', 400));

    expect(result).toMatchObject({ ok: true, nextCheckInAt: '2025-09-30T08:00:00.000Z' });
    expect(await h.reload(exit)).toEqual(exit);
  });
});

describe('pauseEmails', () => {
  it('skips the reminder and moves the next check-in to the first send slot after six months, not a year', async () => {
    const exit = await h.storedExit();

    const result = await pauseEmails(h.preferences, h.token(exit, 'unsubscribe', 400));

    const stored = await h.reload(exit);
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(stored.status).toBe('active');
    expect(stored.steps['survey-reminder']?.state).toBe('skipped');
    const next = stored.steps['check-in-1'];
    expect(next?.state).toBe('scheduled');
    // Paused on 2025-04-05 (the harness clock): six months on is 2025-10-05, a Sunday; the next
    // send slot is Monday 6 October at 10:00 in the client's zone, not check-in-2 in March 2026.
    expect(next?.dueAt).toBe('2025-10-06T08:00:00Z');
    expect(stored.steps['check-in-2']).toBeUndefined();
    expect(h.scheduled).toEqual([`${exit.id}/check-in-1@2025-10-06T08:00:00.000Z`]);
    expect(h.cancelled).toEqual([`${exit.id}/survey-reminder`]);
  });

  it('changes nothing when nothing is due in the next six months', async () => {
    const exit = await h.storedExit();
    await pauseEmails(h.preferences, h.token(exit, 'unsubscribe', 400));
    const paused = await h.reload(exit);

    const again = await pauseEmails(h.preferences, h.token(exit, 'unsubscribe', 400));

    expect(again).toMatchObject({ ok: true, changed: false });
    expect(await h.reload(exit)).toEqual(paused);
  });
});

describe('resubscribe', () => {
  it('lifts the suppression and plans the next check-in from now on a completed exit', async () => {
    const exit = await h.storedExit();
    await unsubscribe(h.preferences, h.token(exit, 'unsubscribe', 400), 'page');
    h.now = new Date('2025-11-03T12:00:00.000Z');

    const result = await resubscribe(h.preferences, h.token(exit, 'unsubscribe', 400));

    const stored = await h.reload(exit);
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(await h.store.isSuppressed(emailHash(SUPPRESSION_KEY, exit.client.email))).toBe(false);
    expect(stored.status).toBe('active');
    expect(stored.steps['check-in-2']).toMatchObject({ state: 'scheduled' });
    expect(h.scheduled).toHaveLength(1);
    expect(stored.timeline.at(-1)?.event).toBe('client.resubscribed');
  });

  it('plans nothing for a cancelled exit', async () => {
    const exit = await h.storedExit({ status: 'cancelled' });
    await h.store.suppress(
      emailHash(SUPPRESSION_KEY, `${exit.id}@client.example`),
      'unsubscribed',
      h.now.toISOString(),
    );

    await resubscribe(h.preferences, h.token(exit, 'unsubscribe', 400));

    expect(h.scheduled).toEqual([]);
    expect((await h.reload(exit)).status).toBe('cancelled');
  });
});

describe('an erased exit', () => {
  it('is never re-activated by one-click unsubscribe then "Email me again", and no empty address is suppressed', async () => {
    const exit = await h.storedExit();
    await unsubscribe(h.preferences, h.token(exit, 'unsubscribe', 400), 'page');
    const completed = await h.reload(exit);
    expect(completed.status).toBe('completed');
    await h.store.erase(exit.id, erasureOf(completed, h.now.toISOString(), 'console'));
    const erased = await h.reload(exit);
    h.now = new Date('2025-11-03T12:00:00.000Z');
    const token = h.token(exit, 'unsubscribe', 400);

    const results = [
      await unsubscribe(h.preferences, token, 'one-click'),
      await resubscribe(h.preferences, token),
      await pauseEmails(h.preferences, token),
      await openPreferences(h.preferences, token),
    ];

    for (const result of results) expect(result).toEqual({ ok: false, problem: 'erased' });
    expect(await h.reload(exit)).toEqual(erased);
    expect(h.scheduled).toEqual([]);
    // The hash every erased exit would share, were an empty address ever hashed.
    const shared = createHmac('sha256', SUPPRESSION_KEY).update('').digest('hex');
    expect(await h.store.suppression(shared)).toBeUndefined();
  });
});
