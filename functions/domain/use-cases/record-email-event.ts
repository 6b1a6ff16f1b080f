import type { TimelineEntry } from '../exit.js';
import { noteEmailEvent } from '../exit-changes.js';
import { deleteSchedules, writeExitChange } from '../exit-writes.js';
import { emailHash } from '../ids.js';
import type { Clock, EventLog, ExitStore, StepScheduler } from '../ports.js';

export interface RecordEmailEventDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
  suppressionKey: string;
}

/** Which email of which exit an event is about: the `exit` and `step` tags the mailer sets. */
export interface EmailRef {
  /** SES message id. */
  messageId: string;
  exitId?: string;
  stepId?: string;
}

/** What SES reported about one email, addresses still in clear (they never leave this module). */
export type EmailEvent = EmailRef &
  (
    | {
        kind: 'bounce';
        /** SES: `Permanent` (never deliverable), `Transient` or `Undetermined`. */
        bounceType: string;
        bounceSubType: string;
        recipients: string[];
        at: string;
      }
    | { kind: 'complaint'; recipients: string[]; at: string }
    | { kind: 'delivery'; at: string }
  );

export type RecordEmailEventResult = {
  /** `stopped`: address suppressed and exit cancelled; `suppressed`: no active exit to stop. */
  outcome: 'stopped' | 'suppressed' | 'recorded' | 'duplicate' | 'unknown-exit';
};

/** A permanent bounce or a complaint: nothing more may ever go to that address. */
function stopReason(event: EmailEvent): 'hard bounce' | 'complaint' | undefined {
  if (event.kind === 'complaint') return 'complaint';
  if (event.kind === 'bounce' && event.bounceType === 'Permanent') return 'hard bounce';
  return undefined;
}

function timelineEntry(event: EmailEvent, at: string): TimelineEntry {
  const step = event.stepId ? { stepId: event.stepId } : {};
  const message = `SES message ${event.messageId}`;
  if (event.kind === 'delivery') return { at, event: 'step.delivered', ...step, detail: message };
  if (event.kind === 'complaint') {
    return { at, event: 'step.complained', ...step, detail: `Complaint; ${message}` };
  }
  const bounce = `${event.bounceType} bounce (${event.bounceSubType})`;
  return { at, event: 'step.bounced', ...step, detail: `${bounce}; ${message}` };
}

/**
 * Records what SES reported about a sent email:
 * 1. A permanent bounce or a complaint puts every address concerned on the suppression list (by
 *    keyed hash).
 * 2. Load the exit the email's tags name and decide (`noteEmailEvent`):
 *    an event already recorded changes nothing; a bounce or complaint stops a running exit.
 * 3. Write it, deciding again from a fresh read when a concurrent write got there first.
 * 4. Delete the schedules of the steps a stop skipped.
 *
 * Stopping the exit: its status becomes `cancelled`, every pending step is skipped with the
 * reason (`hard bounce` or `complaint`), and the schedules are deleted. `cancelled` rather than
 * `completed`: the sequence did not run to its end, and a cancelled exit cannot be resumed, which
 * is right for an address that must never be mailed again. An exit already finished only gets the
 * timeline entry. A transient bounce and a delivery are recorded in the timeline only.
 *
 * Idempotent: suppressing twice is harmless and a repeated event finds its entry written.
 */
export async function recordEmailEvent(
  deps: RecordEmailEventDeps,
  event: EmailEvent,
): Promise<RecordEmailEventResult> {
  const now = deps.clock.now().toISOString();
  const reason = stopReason(event);
  if (reason && (event.kind === 'bounce' || event.kind === 'complaint')) {
    for (const address of new Set(event.recipients.map((r) => r.trim().toLowerCase()))) {
      // No address, no key: an empty one would hash to the key erased exits would share.
      if (!address) continue;
      await deps.store.suppress(emailHash(deps.suppressionKey, address), reason, event.at);
    }
  }
  const fields = { messageId: event.messageId, kind: event.kind };
  if (!event.exitId) {
    deps.log.warn('email event without an exit tag', fields);
    return { outcome: reason ? 'suppressed' : 'unknown-exit' };
  }
  const exitId = event.exitId;
  const entry = timelineEntry(event, now);

  const result = await writeExitChange(deps.store, exitId, (exit) =>
    noteEmailEvent(exit, entry, now, reason),
  );
  if (result.outcome === 'missing') {
    deps.log.warn('email event for an unknown exit', { ...fields, exitId });
    return { outcome: reason ? 'suppressed' : 'unknown-exit' };
  }
  if (result.outcome !== 'written') return { outcome: 'duplicate' };
  const stopped = result.change.skip;
  if (stopped) {
    await deleteSchedules(deps, exitId, stopped.stepIds, 'stopping an exit');
    deps.log.info('exit stopped by an email event', { ...fields, exitId, reason: stopped.reason });
    return { outcome: 'stopped' };
  }
  deps.log.info('email event recorded', { ...fields, exitId });
  return { outcome: reason ? 'suppressed' : 'recorded' };
}
