/**
 * The sequence's own writes — claiming, finishing and releasing a step, changing an exit's
 * status — as DynamoDB command inputs. Each is one conditional UpdateItem on the exit's item.
 * Which step states a write may start from is not written here: the conditions are built from
 * the step machine (see `dynamo-step-conditions.ts`).
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ExitStatus, Step, TimelineEntry } from '../domain/exit.js';
import type { StatusChange, StepDeferral, StepOutcome } from '../domain/ports.js';
import { stepIsPending, stepMayMove } from './dynamo-step-conditions.js';
import { exitKey, reconcilePartition, statusPartition } from './dynamo-table.js';
import { applyTaskMove } from './dynamo-task-writes.js';
import { UpdateBuilder } from './dynamo-update.js';

function input(tableName: string, exitId: string, update: UpdateBuilder): UpdateCommandInput {
  return { TableName: tableName, Key: exitKey(exitId), ...update.build() };
}

/**
 * `scheduled → sending`, or a re-claim of a `sending` step whose lease expired (its sender died).
 * Returns the whole item so the sender works from what it claimed.
 */
export function claimUpdate(
  tableName: string,
  exitId: string,
  stepId: string,
  lease: { token: string; now: string; expiresAt: string },
): UpdateCommandInput {
  const update = new UpdateBuilder();
  const step = ['steps', stepId];
  const attempts = update.path([...step, 'attempts']);
  update.condition(
    `attribute_exists(${update.path(['pk'])}) AND attribute_exists(${update.path(step)})`,
  );
  stepMayMove(update, stepId, 'sending', 'claimant', { now: lease.now })
    .set([...step, 'state'], 'sending')
    .set([...step, 'lease'], { token: lease.token, expiresAt: lease.expiresAt })
    .setRaw(
      [...step, 'attempts'],
      `if_not_exists(${attempts}, ${update.value(0)}) + ${update.value(1)}`,
    )
    .set(['updatedAt'], lease.now);
  return { ...input(tableName, exitId, update), ReturnValues: 'ALL_NEW' };
}

/**
 * `sending → sent | failed | skipped` while our lease holds, with its timeline entry and — for a
 * check-in — the following check-in, which must not exist yet, all in the same write.
 */
export function finishUpdate(
  tableName: string,
  exitId: string,
  stepId: string,
  leaseToken: string,
  outcome: StepOutcome,
  entry: TimelineEntry,
  next?: Step,
): UpdateCommandInput {
  const update = stepMayMove(new UpdateBuilder(), stepId, outcome.state, 'holder', { leaseToken });
  const step = ['steps', stepId];
  update.set([...step, 'state'], outcome.state);
  if (outcome.state === 'sent') {
    update.set([...step, 'sentAt'], outcome.at).set([...step, 'messageId'], outcome.messageId);
  } else {
    update.set([...step, 'reason'], outcome.reason);
  }
  if (next) {
    update
      .condition(`attribute_not_exists(${update.path(['steps', next.id])})`)
      .set(['steps', next.id], next);
  }
  update
    .remove([...step, 'lease'])
    .set(['updatedAt'], outcome.at)
    .appendToList(['timeline'], [entry]);
  return input(tableName, exitId, update);
}

/** `sending → scheduled` while our lease holds; `entry`, when given, records why. */
export function releaseUpdate(
  tableName: string,
  exitId: string,
  stepId: string,
  leaseToken: string,
  entry?: TimelineEntry,
): UpdateCommandInput {
  const update = stepMayMove(new UpdateBuilder(), stepId, 'scheduled', 'holder', { leaseToken });
  const step = ['steps', stepId];
  update.set([...step, 'state'], 'scheduled').remove([...step, 'lease']);
  if (entry) update.appendToList(['timeline'], [entry]).set(['updatedAt'], entry.at);
  return input(tableName, exitId, update);
}

/**
 * `sending → scheduled` while our lease holds, the step moved to `deferral.dueAt`: a send the
 * account or SES's rate refused, tried again later. `deferral.entry`, when given, records why.
 */
export function deferUpdate(
  tableName: string,
  exitId: string,
  stepId: string,
  leaseToken: string,
  deferral: StepDeferral,
): UpdateCommandInput {
  const update = stepMayMove(new UpdateBuilder(), stepId, 'scheduled', 'holder', { leaseToken });
  const step = ['steps', stepId];
  update
    .set([...step, 'state'], 'scheduled')
    .set([...step, 'dueAt'], deferral.dueAt)
    .remove([...step, 'lease'])
    .set(['updatedAt'], deferral.at);
  if (deferral.entry) update.appendToList(['timeline'], [deferral.entry]);
  return input(tableName, exitId, update);
}

/**
 * `lastControlAt` moves forward to `controlAt` while the status is `status`: a control that
 * found the exit already as it asks still counts as the latest one.
 */
export function controlUpdate(
  tableName: string,
  exitId: string,
  status: ExitStatus,
  controlAt: string,
): UpdateCommandInput {
  const update = new UpdateBuilder();
  const last = update.path(['lastControlAt']);
  update
    .condition(`${update.path(['status'])} = ${update.value(status)}`)
    .condition(`attribute_not_exists(${last}) OR ${last} < ${update.value(controlAt)}`)
    .set(['lastControlAt'], controlAt);
  return input(tableName, exitId, update);
}

/** `lastRescheduleAt` moves forward to `sentAt` while the effective date is `effectiveOn`. */
export function rescheduleRecordUpdate(
  tableName: string,
  exitId: string,
  effectiveOn: string,
  sentAt: string,
): UpdateCommandInput {
  const update = new UpdateBuilder();
  const last = update.path(['lastRescheduleAt']);
  update
    .condition(`${update.path(['effectiveOn'])} = ${update.value(effectiveOn)}`)
    .condition(`attribute_not_exists(${last}) OR ${last} < ${update.value(sentAt)}`)
    .set(['lastRescheduleAt'], sentAt);
  return input(tableName, exitId, update);
}

/**
 * The `byReconcileAt` keys that go with a new status, in the same write: an exit that is (still)
 * active is looked at by the reconciler's next run, whatever its steps became (added, moved
 * earlier); any other status leaves the index. Only active exits are reconciled.
 */
export function setReconcileKeys(
  update: UpdateBuilder,
  exitId: string,
  status: ExitStatus,
  at: string,
): UpdateBuilder {
  if (status !== 'active') return update.remove(['gsi3pk']).remove(['gsi3sk']);
  return update.set(['gsi3pk'], reconcilePartition(exitId)).set(['gsi3sk'], at);
}

/**
 * The reconciler's mark: it looked at the exit and needs to look again at `next`. Only while the
 * exit is active and still has the mark it was read with (`seen`): a status change meanwhile set
 * its own, earlier one, which must stay.
 */
export function reconcileMarkUpdate(
  tableName: string,
  exitId: string,
  seen: string,
  next: string,
): UpdateCommandInput {
  const update = new UpdateBuilder();
  update
    .condition(`${update.path(['status'])} = ${update.value('active')}`)
    .condition(`${update.path(['gsi3sk'])} = ${update.value(seen)}`)
    .set(['gsi3sk'], next);
  return input(tableName, exitId, update);
}

/**
 * A status change with the steps it touches. The status must be one of `change.from`; every step
 * it skips must be one the step machine lets any writer skip, and every step it moves or removes
 * still pending (`pendingStates`); the byStatus index key moves with the status.
 */
export function statusUpdate(
  tableName: string,
  exitId: string,
  change: StatusChange,
): UpdateCommandInput {
  const update = new UpdateBuilder();
  update.condition(
    `${update.path(['status'])} IN (${change.from.map((from) => update.value(from)).join(', ')})`,
  );
  update
    .set(['status'], change.to)
    .set(['updatedAt'], change.at)
    .set(['gsi1pk'], statusPartition(change.to, exitId));
  setReconcileKeys(update, exitId, change.to, change.at);
  for (const stepId of change.skip?.stepIds ?? []) {
    stepMayMove(update, stepId, 'skipped', 'other')
      .set(['steps', stepId, 'state'], 'skipped')
      .set(['steps', stepId, 'reason'], change.skip?.reason ?? '');
  }
  for (const [stepId, dueAt] of Object.entries(change.reschedule ?? {})) {
    stepIsPending(update, stepId);
    update.set(['steps', stepId, 'dueAt'], dueAt);
  }
  for (const stepId of change.remove ?? []) {
    stepIsPending(update, stepId);
    update.remove(['steps', stepId]);
  }
  for (const step of change.add ?? []) {
    update.condition(`attribute_not_exists(${update.path(['steps', step.id])})`);
    update.set(['steps', step.id], step);
  }
  if (change.replannedFrom) {
    update.condition(`${update.path(['effectiveOn'])} = ${update.value(change.replannedFrom)}`);
  }
  if (change.effectiveOn) update.set(['effectiveOn'], change.effectiveOn);
  if (change.personalNote) update.set(['personalNote'], change.personalNote);
  if (change.controlAt) {
    const last = update.path(['lastControlAt']);
    const at = update.value(change.controlAt);
    update.condition(`attribute_not_exists(${last}) OR ${last} <= ${at}`);
    update.set(['lastControlAt'], change.controlAt);
  }
  if (change.rescheduleAt) {
    const last = update.path(['lastRescheduleAt']);
    update.condition(
      `attribute_not_exists(${last}) OR ${last} <= ${update.value(change.rescheduleAt)}`,
    );
    update.set(['lastRescheduleAt'], change.rescheduleAt);
  }
  if (change.tasks) applyTaskMove(update, change.tasks);
  update.appendToList(['timeline'], [change.entry]);
  return { ...input(tableName, exitId, update), ReturnValues: 'ALL_NEW' };
}
