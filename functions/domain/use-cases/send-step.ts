import { randomUUID } from 'node:crypto';
import {
  PermanentSendError,
  SendingBlockedError,
  SendThrottledError,
  TransientError,
} from '../errors.js';
import type { Exit, Step } from '../exit.js';
import { checkInInput } from '../exit.js';
import {
  deferBlockedStep,
  deferThrottledStep,
  nothingLeftToSend,
  waitedForAccount,
} from '../exit-changes.js';
import { completeExit } from '../exit-writes.js';
import { emailHash } from '../ids.js';
import { nextCheckIn } from '../plan.js';
import type {
  Clock,
  EmailRenderer,
  EventLog,
  ExitStore,
  Mailer,
  RenderedEmail,
  SendingStatus,
  StepDeferral,
  StepEvent,
  StepOutcome,
  StepScheduler,
} from '../ports.js';
import type { SequenceRules } from '../sequence-rules.js';
import { REFUSABLE, UNSUBSCRIBED } from './unsubscribe.js';

export interface SendStepDeps {
  store: ExitStore;
  mailer: Mailer;
  renderer: EmailRenderer;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
  rules: SequenceRules;
  suppressionKey: string;
  leaseSeconds: number;
  /** Where a blocked send is recorded for the console's banner, cleared when a waiting step goes out. */
  sendingStatus?: SendingStatus;
}

export type SendStepResult =
  | { outcome: 'sent'; messageId: string }
  /** The account or SES's rate refused the send: the step waits for a later try, at `dueAt`. */
  | { outcome: 'waiting'; reason: string; dueAt: string }
  | { outcome: 'skipped' | 'failed'; reason: string }
  /** Nothing to do: the step was already claimed or sent, the schedule is stale, or the exit is paused. */
  | { outcome: 'no-op'; reason: string };

type Decision =
  | { send: true }
  | { send: false; outcome: 'skipped'; reason: string }
  | { send: false; outcome: 'held'; reason: string };

/** Re-checks, after the claim, whether the step should still go out. */
async function decide(
  deps: SendStepDeps,
  exit: Exit,
  step: Step,
  event: StepEvent,
): Promise<Decision> {
  if (event.dueAt && Date.parse(event.dueAt) !== Date.parse(step.dueAt)) {
    // A schedule left over from before a reschedule: the step's own schedule will come.
    return { send: false, outcome: 'held', reason: 'stale schedule' };
  }
  // An erased exit has no address left and is never sent to, whatever its status says.
  if (exit.erasedAt) return { send: false, outcome: 'skipped', reason: 'exit erased' };
  if (exit.status === 'paused') return { send: false, outcome: 'held', reason: 'exit paused' };
  if (exit.status !== 'active') {
    return { send: false, outcome: 'skipped', reason: `exit ${exit.status}` };
  }
  if (step.kind === 'survey-reminder' && exit.survey) {
    return { send: false, outcome: 'skipped', reason: 'survey already answered' };
  }
  const suppression = await deps.store.suppression(
    emailHash(deps.suppressionKey, exit.client.email),
  );
  if (suppression?.reason === UNSUBSCRIBED) {
    // Unsubscribing refuses the marketing emails only: the notice and the thank-you end the
    // engagement and still go. Only a bounce, a complaint or a rejection stops them.
    if (REFUSABLE.has(step.kind)) {
      return { send: false, outcome: 'skipped', reason: 'address unsubscribed' };
    }
  } else if (suppression) {
    return { send: false, outcome: 'skipped', reason: 'address suppressed' };
  }
  return { send: true };
}

/** The check-in that follows a sent one, unless the configured count is reached. */
function followingCheckIn(deps: SendStepDeps, exit: Exit, step: Step): Step | undefined {
  if (step.kind !== 'check-in') return undefined;
  // Planned from the later of its own due time and now: a late send never causes a burst.
  const after = new Date(Math.max(Date.parse(step.dueAt), deps.clock.now().getTime()));
  const next = nextCheckIn(checkInInput(exit), after, deps.rules);
  if (!next || exit.steps[next.stepId]) return undefined;
  return { id: next.stepId, kind: 'check-in', dueAt: next.dueAt, state: 'scheduled', attempts: 0 };
}

/**
 * The console's banner is a convenience: failing to update it must not fail a send (the step is
 * committed already) nor trigger a retry that could send it twice.
 */
async function recordStatus(log: EventLog, write: () => Promise<void> | undefined): Promise<void> {
  try {
    await write();
  } catch (error) {
    log.warn('sending status not recorded', {
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

const COMMIT_RETRY_DELAYS_MS = [100, 300, 900, 2_700, 8_100];

/**
 * Commits a sent step, retrying transient failures (throttling, a brief outage). A retry that
 * finds the condition failed may mean an earlier attempt did land and only its answer was lost:
 * a read tells that apart from a lease taken over by someone else.
 */
async function commitSent(
  deps: SendStepDeps,
  exitId: string,
  stepId: string,
  messageId: string,
  write: () => Promise<boolean>,
): Promise<boolean> {
  // Stay well inside the lease: past it, another sender may legitimately take the step over.
  const budgetMs = (deps.leaseSeconds * 1000) / 2;
  let waitedMs = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const committed = await write();
      if (committed || attempt === 0) return committed;
      const stored = (await deps.store.get(exitId))?.steps[stepId];
      return stored?.state === 'sent' && stored.messageId === messageId;
    } catch (error) {
      const delay = COMMIT_RETRY_DELAYS_MS[attempt];
      if (
        !(error instanceof TransientError) ||
        delay === undefined ||
        waitedMs + delay > budgetMs
      ) {
        throw error;
      }
      waitedMs += delay;
      deps.log.warn('commit of a sent step failed; retrying', {
        exitId,
        stepId,
        attempt: attempt + 1,
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Marks the exit completed once no step is left to send. */
async function completeIfDone(deps: SendStepDeps, exit: Exit, finished: Step, next?: Step) {
  if (next || !nothingLeftToSend(exit, finished.id)) return;
  const at = deps.clock.now().toISOString();
  await completeExit(deps.store, exit.id, at, 'Every step of the sequence is done.');
}

/**
 * Sends one step at most once:
 * 1. Claim it (`scheduled → sending` with a lease): this loads the exit.
 * 2. Decide again whether it should still go out (the exit's status, a stale schedule, the
 *    suppression list); a paused exit's step is given back, a pointless one skipped.
 * 3. Render and send the email.
 * 4. Commit `sent` with the SES message id (and the next check-in in the same write), schedule
 *    that check-in, and complete the exit when nothing is left to send.
 *
 * A second delivery of the same event finds the step claimed or finished and does nothing. A
 * transient failure gives the claim back and rethrows, so the retry machinery tries again.
 *
 * When the SES account cannot send at all (`SendingBlockedError`: the sandbox, an unverified
 * identity, a paused account, the daily quota) the step is not failed: the claim is given back
 * with the step moved an hour on and scheduled again (`deferBlockedStep`), the timeline says why
 * once per blocked period, and `sendingStatus` records the block for the console's banner until
 * a waiting step goes out. A send SES still throttles after the mailer's backoff is deferred
 * the same way, a few minutes on (`deferThrottledStep`), rather than thrown towards the
 * dead-letter queue.
 *
 * The lease window: a commit that fails after SES accepted the message is retried for up to
 * half the lease. If the process dies after SES accepted the message but before the commit (or
 * the table stays unreachable), the step stays `sending`. Until the lease expires
 * (FAREWELL_SEND_LEASE_SECONDS, 120 s by default) every delivery is a no-op; after it, the
 * reconciler or a retry may claim the step and send it again. That is the one way a client can
 * get a duplicate. A shorter lease risks a second copy while a slow send is still in flight; a
 * longer one delays recovery. It cannot be closed: SES has no idempotency key.
 */
export async function sendStep(deps: SendStepDeps, event: StepEvent): Promise<SendStepResult> {
  const token = randomUUID();
  const now = deps.clock.now();
  const claim = await deps.store.claimStep(event.exitId, event.stepId, {
    token,
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.leaseSeconds * 1000).toISOString(),
  });
  if (!claim.claimed) {
    deps.log.info('step not claimed', {
      exitId: event.exitId,
      stepId: event.stepId,
      reason: claim.reason,
    });
    return { outcome: 'no-op', reason: claim.reason };
  }
  const { exit, step } = claim;
  const fields = { exitId: exit.id, stepId: step.id, kind: step.kind, attempt: step.attempts };
  const release = (detail?: string) => {
    const at = deps.clock.now().toISOString();
    return deps.store.releaseStep(
      exit.id,
      step.id,
      token,
      detail ? { at, event: 'step.held', stepId: step.id, detail } : undefined,
    );
  };
  const finish = async (outcome: StepOutcome, next?: Step): Promise<void> => {
    const detail = outcome.state === 'sent' ? `SES message ${outcome.messageId}` : outcome.reason;
    const entry = { at: outcome.at, event: `step.${outcome.state}`, stepId: step.id, detail };
    const write = () => deps.store.finishStep(exit.id, step.id, token, outcome, entry, next);
    // Once SES accepted the email, losing the commit would let the step be sent again after the
    // lease: retry the (conditional, so repeatable) commit for a good part of the lease first.
    const committed =
      outcome.state === 'sent'
        ? await commitSent(deps, exit.id, step.id, outcome.messageId, write)
        : await write();
    if (!committed) {
      // Our lease ran out and another sender took the step over: the documented duplicate window.
      deps.log.warn('step claim lost before commit', fields);
      return;
    }
    if (next) await deps.scheduler.schedule(exit.id, next.id, new Date(next.dueAt));
    await completeIfDone(deps, exit, step, next);
  };

  /**
   * Gives the claim back with the step moved to its next try, and schedules that try. A lost
   * claim means another sender holds the step: it is theirs to schedule.
   */
  const defer = async (deferral: StepDeferral): Promise<void> => {
    const deferred = await deps.store.deferStep(exit.id, step.id, token, deferral);
    if (!deferred) {
      deps.log.warn('step claim lost before deferral', fields);
      return;
    }
    await deps.scheduler.schedule(exit.id, step.id, new Date(deferral.dueAt));
  };

  let decision: Decision;
  try {
    decision = await decide(deps, exit, step, event);
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  if (!decision.send) {
    if (decision.outcome === 'held') {
      await release(decision.reason === 'stale schedule' ? undefined : decision.reason);
      deps.log.info('step held', { ...fields, reason: decision.reason });
      return { outcome: 'no-op', reason: decision.reason };
    }
    await finish({ state: 'skipped', at: deps.clock.now().toISOString(), reason: decision.reason });
    deps.log.info('step skipped', { ...fields, reason: decision.reason });
    return { outcome: 'skipped', reason: decision.reason };
  }

  let email: RenderedEmail;
  try {
    email = deps.renderer.render(exit, step);
  } catch (error) {
    // A template bug is deterministic: retrying cannot help, so it is recorded, not thrown.
    const reason = 'email could not be rendered';
    await finish({ state: 'failed', at: deps.clock.now().toISOString(), reason });
    deps.log.error(reason, { ...fields, error: error instanceof Error ? error.name : 'unknown' });
    return { outcome: 'failed', reason };
  }

  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({
      to: exit.client.email,
      ...email,
      tags: { exit: exit.id, step: step.id },
    }));
  } catch (error) {
    if (error instanceof PermanentSendError) {
      const at = deps.clock.now().toISOString();
      if (error.addressAtFault) {
        await deps.store.suppress(
          emailHash(deps.suppressionKey, exit.client.email),
          'rejected',
          at,
        );
      }
      await finish({ state: 'failed', at, reason: error.message });
      deps.log.warn('step failed permanently', { ...fields, reason: error.message });
      return { outcome: 'failed', reason: error.message };
    }
    if (error instanceof SendingBlockedError) {
      const now = deps.clock.now();
      const deferral = deferBlockedStep(exit, step, { why: error.why, fix: error.fix }, now);
      await defer(deferral);
      await recordStatus(deps.log, () =>
        deps.sendingStatus?.blocked({
          reason: error.reason,
          why: error.why,
          fix: error.fix,
          at: now.toISOString(),
        }),
      );
      deps.log.warn('sending blocked; step waits', { ...fields, reason: error.reason });
      return { outcome: 'waiting', reason: error.reason, dueAt: deferral.dueAt };
    }
    if (error instanceof SendThrottledError) {
      const deferral = deferThrottledStep(step, deps.clock.now(), Math.random());
      await defer(deferral);
      deps.log.warn('SES throttled the send; step waits', fields);
      return { outcome: 'waiting', reason: 'throttled', dueAt: deferral.dueAt };
    }
    // Nothing went out: give the claim back so the retry does not wait for the lease.
    await release().catch(() => undefined);
    throw error;
  }

  const at = deps.clock.now().toISOString();
  await finish({ state: 'sent', at, messageId }, followingCheckIn(deps, exit, step));
  // Only a step that waited can end a block: ordinary sends cost no extra call.
  if (waitedForAccount(exit, step.id)) {
    await recordStatus(deps.log, () => deps.sendingStatus?.sent(at));
  }
  deps.log.info('step sent', fields);
  return { outcome: 'sent', messageId };
}
