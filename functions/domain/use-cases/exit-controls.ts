import { ConcurrentWriteError, NotFoundError, StateConflictError } from '../errors.js';
import type { Exit, ExitStatus } from '../exit.js';
import { pendingSteps } from '../exit.js';
import { cancel, type Decision, pause } from '../exit-changes.js';
import { resume } from '../exit-replans.js';
import { ATTEMPTS, completeExit, deleteSchedules, writeExitChange } from '../exit-writes.js';
import type { Clock, EventLog, ExitStore, StatusChange, StepScheduler } from '../ports.js';
import type { SequenceRules } from '../sequence-rules.js';

export interface ExitControlDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  log: EventLog;
  rules: SequenceRules;
}

export type ControlAction = 'cancel' | 'pause' | 'resume';

export interface ControlResult {
  exitId: string;
  status: ExitStatus;
  /** False when the exit already was in the wanted state (the call is idempotent). */
  changed: boolean;
}

/** Who asked, for the timeline: `webhook`, `console` or `cli`. */
export type Actor = 'webhook' | 'console' | 'cli';

/**
 * Writes the change `decide` makes of a fresh read (see `writeExitChange`) for a control: an
 * unknown exit is a `NotFoundError`, a refusal a `StateConflictError`. `unchanged` is the exit as
 * read when there was nothing to write.
 */
export async function writeControl(
  deps: ExitControlDeps,
  exitId: string,
  decide: (exit: Exit) => Decision<StatusChange>,
): Promise<{ result: ControlResult; before?: Exit; after?: Exit; unchanged?: Exit }> {
  const written = await writeExitChange(deps.store, exitId, decide);
  if (written.outcome === 'missing') throw new NotFoundError(`No exit ${exitId}`);
  if (written.outcome === 'refused') throw new StateConflictError(written.reason);
  if (written.outcome === 'unchanged') {
    const { exit } = written;
    return { result: { exitId, status: exit.status, changed: false }, unchanged: exit };
  }
  const { before, after } = written;
  return { result: { exitId, status: after.status, changed: true }, before, after };
}

/**
 * `writeControl`, then `record` on an exit the decision left unchanged: a change that found the
 * exit already as it asks is still recorded as the latest one, so an older one arriving later
 * loses. `record` answers undefined when there is nothing to record, false when a concurrent
 * change beat the record; the change is then decided again on a fresh read.
 */
export async function writeAndRecord(
  deps: ExitControlDeps,
  exitId: string,
  decide: (exit: Exit) => Decision<StatusChange>,
  record: (seen: Exit) => Promise<boolean> | undefined,
): ReturnType<typeof writeControl> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const outcome = await writeControl(deps, exitId, decide);
    const recorded = outcome.unchanged && record(outcome.unchanged);
    if (!recorded || (await recorded)) return outcome;
  }
  throw new ConcurrentWriteError(`Exit ${exitId} kept changing; try again`);
}

/** The record of a pause or resume sent at `controlAt` that found the exit already `wanted`. */
function controlRecord(deps: ExitControlDeps, wanted: ExitStatus, controlAt: string | undefined) {
  return (seen: Exit) =>
    controlAt !== undefined &&
    seen.status === wanted &&
    (seen.lastControlAt === undefined || seen.lastControlAt < controlAt)
      ? deps.store.recordControl(seen.id, wanted, controlAt)
      : undefined;
}

/**
 * Cancels an exit (the client stayed, or it was started by mistake):
 * 1. Load the exit and decide the cancel (`cancel`: every pending step skipped).
 * 2. Write it, deciding again from a fresh read when a concurrent write got there first.
 * 3. Delete the schedules of the steps it skipped; one that still fires finds its step skipped
 *    and does nothing.
 */
export async function cancelExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
): Promise<ControlResult> {
  const { result, before } = await writeControl(deps, exitId, (exit) =>
    cancel(exit, deps.clock.now().toISOString(), actor),
  );
  if (before) {
    const skipped = pendingSteps(before).map((s) => s.id);
    await deleteSchedules(deps, exitId, skipped, 'a status change');
  }
  return result;
}

/**
 * Pauses an active exit: nothing is sent until it is resumed; pending steps keep their plan.
 * 1. Load the exit and decide the pause (`pause`: an older control event than the last applied
 *    changes nothing; only an active exit can be paused).
 * 2. Write it, deciding again from a fresh read when a concurrent write got there first.
 * 3. Settle the schedules (deleted while the exit is not active).
 */
export async function pauseExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
  controlAt?: string,
): Promise<ControlResult> {
  const { result, before } = await writeAndRecord(
    deps,
    exitId,
    (exit) => pause(exit, deps.clock.now().toISOString(), actor, controlAt),
    controlRecord(deps, 'paused', controlAt),
  );
  if (before) await settleSchedules(deps, exitId);
  return result;
}

/**
 * Resumes a paused exit:
 * 1. Load the exit and decide the resume (`resume`: steps due while paused are replanned, see
 *    `resumePlan`).
 * 2. Write it, deciding again from a fresh read when a concurrent write got there first.
 * 3. Settle the schedules of every pending step. Resuming an exit that is already active creates
 *    them again (in place when they exist): a resume whose schedules failed after its status was
 *    written answers 5xx, and its retry must finish the job rather than leave the steps to the
 *    next daily reconcile.
 * 4. Complete the exit when the replan left nothing to send.
 */
export async function resumeExit(
  deps: ExitControlDeps,
  exitId: string,
  actor: Actor,
  controlAt?: string,
): Promise<ControlResult> {
  const { result, after, unchanged } = await writeAndRecord(
    deps,
    exitId,
    (exit) => resume(exit, deps.clock.now(), deps.rules, actor, controlAt),
    controlRecord(deps, 'active', controlAt),
  );
  if (unchanged?.status === 'active' || after) await settleSchedules(deps, exitId);
  if (after && pendingSteps(after).length === 0) {
    const at = deps.clock.now().toISOString();
    await completeExit(deps.store, exitId, at, 'Nothing was left to send after the pause.');
  }
  return result;
}

async function schedulePending(deps: ExitControlDeps, exit: Exit): Promise<void> {
  for (const step of pendingSteps(exit)) {
    await deps.scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
  }
}

/**
 * Makes the schedules match the exit as it is now, not as this control left it: concurrent
 * pauses and resumes interleave their writes and their schedule calls, so a resume's schedules
 * can land after a later pause deleted them. Each round reads the exit, creates (active) or
 * deletes (otherwise) the pending steps' schedules, and reads again; it ends once no other
 * control changed the status meanwhile (the last control to finish settles it).
 */
export async function settleSchedules(deps: ExitControlDeps, exitId: string): Promise<void> {
  for (let round = 0; round < ATTEMPTS; round += 1) {
    const exit = await deps.store.get(exitId);
    if (!exit) return;
    const ids = pendingSteps(exit).map((s) => s.id);
    let failure: unknown;
    if (exit.status === 'active') await schedulePending(deps, exit).catch((e) => (failure = e));
    else await deleteSchedules(deps, exitId, ids, 'a status change');
    const again = await deps.store.get(exitId);
    // A schedule that kept vanishing under a concurrent pause is that pause's to settle.
    if (failure !== undefined && again?.status === 'active') throw failure;
    // The clock may not move between two writes, so the timeline tells them apart too.
    const same =
      again?.status === exit.status &&
      again.updatedAt === exit.updatedAt &&
      again.timeline.length === exit.timeline.length;
    if (same) return;
  }
}

/**
 * Runs one action on an exit: cancel (`cancelExit`), pause (`pauseExit`) or resume
 * (`resumeExit`).
 */
export function controlExit(
  deps: ExitControlDeps,
  action: ControlAction,
  exitId: string,
  actor: Actor,
  /** When the event asking for it was sent; a pause or resume older than the last applied loses. */
  controlAt?: string,
): Promise<ControlResult> {
  // A cancel is final and wins whenever it arrives; only pause and resume can reverse each other.
  if (action === 'cancel') return cancelExit(deps, exitId, actor);
  if (action === 'pause') return pauseExit(deps, exitId, actor, controlAt);
  if (action === 'resume') return resumeExit(deps, exitId, actor, controlAt);
  throw new Error(`Unknown exit action ${String(action)}`);
}

/** The most exits one control by external id may change; above it nothing changes (never trim). */
export const MAX_CONTROL_EXITS = 500;

/** Which exits a control names: one by its Farewell id, or every exit started with a CRM's id. */
export type ExitReference = { exitId: string } | { externalId: string };

export type ControlExitsResult =
  | { outcome: 'applied'; exits: ControlResult[] }
  /** More than `MAX_CONTROL_EXITS` exits carry the external id: nothing was changed. */
  | { outcome: 'too-many-exits'; max: number };

/**
 * Runs one action on every exit a reference names:
 * 1. Resolve the reference: the exit id itself, or the ids of every exit started with the
 *    external id (read up to one past `MAX_CONTROL_EXITS`, to refuse rather than trim).
 * 2. No exit: `NotFoundError`. Too many: changes nothing.
 * 3. Run the action on each exit in turn (`controlExit`).
 */
export async function controlExits(
  deps: ExitControlDeps,
  action: ControlAction,
  reference: ExitReference,
  actor: Actor,
  controlAt?: string,
): Promise<ControlExitsResult> {
  return forEachReferenced(deps.store, reference, (exitId) =>
    controlExit(deps, action, exitId, actor, controlAt),
  );
}

/**
 * Steps 1–3 of `controlExits` for any control: resolves the reference (`NotFoundError` when it
 * names no exit; `too-many-exits`, changing nothing, above `MAX_CONTROL_EXITS`), then runs `act`
 * on each exit in turn.
 */
export async function forEachReferenced(
  store: ExitStore,
  reference: ExitReference,
  act: (exitId: string) => Promise<ControlResult>,
): Promise<ControlExitsResult> {
  const ids =
    'exitId' in reference
      ? [reference.exitId]
      : await store.findByExternalId(reference.externalId, MAX_CONTROL_EXITS);
  if (ids.length === 0) throw new NotFoundError('No exit matches that reference.');
  if (ids.length > MAX_CONTROL_EXITS) return { outcome: 'too-many-exits', max: MAX_CONTROL_EXITS };
  const exits: ControlResult[] = [];
  for (const exitId of ids) exits.push(await act(exitId));
  return { outcome: 'applied', exits };
}
