import { describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { exitIdFromEvent } from '../../functions/domain/ids.js';
import { reportFigures, watchRun } from '../support/hostile-checks.js';
import { FULL_RUNS } from '../support/hostile-fuzz.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { fuzzWebhooks } from '../support/hostile-webhook-fuzz.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import type { StoredEmail } from '../support/test-stack.js';

/**
 * `POST /webhooks/exits`, 10,000 hostile cases in process against the local services; then the
 * exits the valid ones started must each send their notice (hostile but valid data never breaks
 * a send), and no email that went out carries a line break in a header.
 */

const stack = startForFile(startHostileStack);

/** An active exit whose notice is due (with a second's slack for the schedule) but not sent. */
function dueNotice(exit: Exit): boolean {
  const notice = exit.steps.notice;
  return (
    exit.status === 'active' &&
    notice !== undefined &&
    ['scheduled', 'sending'].includes(notice.state) &&
    Date.parse(notice.dueAt) < Date.now() - 1_000
  );
}

describe('hostile webhooks', () => {
  it(`hold every invariant over ${FULL_RUNS} cases`, async () => {
    const run = watchRun(stack);

    const figures = await fuzzWebhooks(stack, FULL_RUNS);

    reportFigures(figures, FULL_RUNS);
    expect(figures.outcomes['202']).toBeGreaterThan(0);
    run.check();
  });

  it('sent the notice of every exit the fuzzing started, with one-line headers', async () => {
    const ids = Array.from({ length: 120 }, (_, n) =>
      exitIdFromEvent('webhook', `msg_hostile_${n}`),
    );
    const notices = await waitFor(
      async () => {
        const exits = await Promise.all(ids.map((id) => stack.harness.stack.store.get(id)));
        const started = exits.filter((exit) => exit !== undefined);
        // A notice paused and resumed before it went out is replanned to the next send hour
        // (resumePlan): only a notice already due must have gone.
        const waiting = started.filter(dueNotice);
        return waiting.length === 0 ? started : undefined;
      },
      60_000,
      500,
    );
    if (notices === undefined) {
      // Say which notices never went out, and how far each got (ids and states, no personal data).
      const exits = await Promise.all(ids.map((id) => stack.harness.stack.store.get(id)));
      const stuck = exits
        .filter((exit) => exit !== undefined)
        .filter(dueNotice)
        .map((exit) => ({
          id: exit?.id,
          notice: exit?.steps.notice,
          timeline: exit?.timeline.map(({ at, event, stepId, detail }) => ({
            at,
            event,
            stepId,
            detail,
          })),
        }));
      console.error(`notices due but not sent after 60 s: ${JSON.stringify(stuck, null, 1)}`);
    }
    const response = await fetch(`${stack.harness.stack.sesUrl}/store`);
    const { emails } = (await response.json()) as { emails: (StoredEmail & { from: string })[] };

    expect(notices?.length).toBeGreaterThan(0);
    expect((notices ?? []).filter((exit) => exit.steps.notice?.state === 'failed')).toEqual([]);
    for (const email of emails) {
      const headers = [
        email.subject,
        email.from,
        ...(email.headers ?? []).map((h) => `${h.name}: ${h.value}`),
      ];
      expect(headers.filter((value) => /[\r\n\u0085\u2028\u2029]/.test(value))).toEqual([]);
    }
  });
});
