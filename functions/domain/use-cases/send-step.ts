import { randomUUID } from 'node:crypto';
import { PermanentSendError } from '../errors.js';
import type { Exit, Step } from '../exit.js';
import { emailHash } from '../ids.js';
import type {
  Clock,
  EmailRenderer,
  EventLog,
  ExitStore,
  Mailer,
  StepEvent,
  StepOutcome,
} from '../ports.js';

export interface SendStepDeps {
  store: ExitStore;
  mailer: Mailer;
  renderer: EmailRenderer;
  clock: Clock;
  log: EventLog;
  suppressionKey: string;
  leaseSeconds: number;
}

export type SendStepResult =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'skipped' | 'failed'; reason: string }
  /** Nothing to do: the step was already claimed, sent, or the exit is paused. */
  | { outcome: 'no-op'; reason: string };

type Decision = { send: true } | { send: false; outcome: 'skipped' | 'released'; reason: string };

/** Re-checks, after the claim, whether the step should still go out. */
async function decide(deps: SendStepDeps, exit: Exit): Promise<Decision> {
  if (exit.status === 'paused') return { send: false, outcome: 'released', reason: 'exit paused' };
  if (exit.status !== 'active') {
    return { send: false, outcome: 'skipped', reason: `exit ${exit.status}` };
  }
  if (await deps.store.isSuppressed(emailHash(deps.suppressionKey, exit.client.email))) {
    return { send: false, outcome: 'skipped', reason: 'address suppressed' };
  }
  return { send: true };
}

async function finish(
  deps: SendStepDeps,
  exit: Exit,
  step: Step,
  token: string,
  outcome: StepOutcome,
): Promise<void> {
  const detail = outcome.state === 'sent' ? undefined : outcome.reason;
  const committed = await deps.store.finishStep(exit.id, step.id, token, outcome, {
    at: outcome.at,
    event: `step.${outcome.state}`,
    stepId: step.id,
    ...(detail ? { detail } : {}),
  });
  if (!committed) {
    // Our lease ran out and another sender took the step over: the one case that can duplicate.
    deps.log.warn('step claim lost before commit', { exitId: exit.id, stepId: step.id });
  }
}

/**
 * Sends one step at most once: claim (`scheduled → sending` with a lease), re-check the exit and
 * the suppression list, render, send, then commit `sent` with the SES message id.
 *
 * A second delivery of the same event finds the step claimed or finished and does nothing. A
 * transient failure gives the claim back and rethrows, so the retry machinery tries again. If the
 * process dies after SES accepted the message but before the commit, the step stays `sending`
 * until its lease expires; only then can a retry claim it again and send a second copy. That
 * lease window is the one documented way to get a duplicate.
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
    deps.log.info('step not claimed', { ...event, reason: claim.reason });
    return { outcome: 'no-op', reason: claim.reason };
  }
  const { exit, step } = claim;
  const fields = { exitId: exit.id, stepId: step.id, kind: step.kind, attempt: step.attempts };

  let decision: Decision;
  try {
    decision = await decide(deps, exit);
  } catch (error) {
    await deps.store.releaseStep(exit.id, step.id, token).catch(() => undefined);
    throw error;
  }
  if (!decision.send) {
    if (decision.outcome === 'released') {
      await deps.store.releaseStep(exit.id, step.id, token);
      deps.log.info('step held', { ...fields, reason: decision.reason });
      return { outcome: 'no-op', reason: decision.reason };
    }
    const at = deps.clock.now().toISOString();
    await finish(deps, exit, step, token, { state: 'skipped', at, reason: decision.reason });
    deps.log.info('step skipped', { ...fields, reason: decision.reason });
    return { outcome: 'skipped', reason: decision.reason };
  }

  let email: ReturnType<EmailRenderer['render']>;
  try {
    email = deps.renderer.render(exit, step);
  } catch (error) {
    // A template bug is deterministic: retrying cannot help, so it is recorded, not thrown.
    const reason = 'email could not be rendered';
    await finish(deps, exit, step, token, {
      state: 'failed',
      at: deps.clock.now().toISOString(),
      reason,
    });
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
      await finish(deps, exit, step, token, { state: 'failed', at, reason: error.message });
      deps.log.warn('step failed permanently', { ...fields, reason: error.message });
      return { outcome: 'failed', reason: error.message };
    }
    // Nothing went out: give the claim back so the retry does not wait for the lease.
    await deps.store.releaseStep(exit.id, step.id, token).catch(() => undefined);
    throw error;
  }

  await finish(deps, exit, step, token, {
    state: 'sent',
    at: deps.clock.now().toISOString(),
    messageId,
  });
  deps.log.info('step sent', fields);
  return { outcome: 'sent', messageId };
}
