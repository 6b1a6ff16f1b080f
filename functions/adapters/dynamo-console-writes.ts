/**
 * Writes only the operator console causes, as DynamoDB command inputs: erasing an exit's
 * personal data. Kept beside the sequence's own writes (`dynamo-step-writes.ts`); the store
 * sends them.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Erasure } from '../domain/ports.js';
import { stepMayMove } from './dynamo-step-conditions.js';
import { setReconcileKeys } from './dynamo-step-writes.js';
import { exitKey, statusPartition } from './dynamo-table.js';
import { UpdateBuilder } from './dynamo-update.js';

/**
 * One conditional update that anonymises the exit's item. It must exist, not be erased yet, and
 * be as it was read (same `updatedAt` and timeline length), so no concurrent write (a step sent,
 * a survey answer) is overwritten by the rewritten timeline or lost. The byStatus key moves with
 * the status; the byExternalId keys and the search text go, so nothing can find the client by
 * what identified them.
 */
export function eraseUpdate(
  tableName: string,
  exitId: string,
  erasure: Erasure,
): UpdateCommandInput {
  const update = new UpdateBuilder();
  update
    .condition(`attribute_exists(${update.path(['pk'])})`)
    .condition(`attribute_not_exists(${update.path(['erasedAt'])})`)
    .condition(`${update.path(['updatedAt'])} = ${update.value(erasure.seen.updatedAt)}`)
    .condition(`size(${update.path(['timeline'])}) = ${update.value(erasure.seen.timelineLength)}`);
  for (const stepId of erasure.skip.stepIds) {
    const step = ['steps', stepId];
    stepMayMove(update, stepId, 'skipped', 'other')
      .set([...step, 'state'], 'skipped')
      .set([...step, 'reason'], erasure.skip.reason);
  }
  for (const [stepId, reason] of Object.entries(erasure.scrub)) {
    if (!erasure.skip.stepIds.includes(stepId)) update.set(['steps', stepId, 'reason'], reason);
  }
  update
    .set(['status'], erasure.status)
    .set(['gsi1pk'], statusPartition(erasure.status, exitId))
    .set(['client'], erasure.client)
    .set(['timeline'], erasure.timeline)
    .set(['handover'], [])
    .set(['highlights'], [])
    .set(['erasedAt'], erasure.at)
    .set(['updatedAt'], erasure.at);
  setReconcileKeys(update, exitId, erasure.status, erasure.at);
  if (erasure.survey) update.set(['survey'], erasure.survey);
  else update.remove(['survey']);
  // Guarded by `updatedAt` like the rest: every task write moves it, so none is lost here.
  if (erasure.tasks) update.set(['tasks'], erasure.tasks);
  for (const attribute of [
    'reason',
    'personalNote',
    'externalId',
    'gsi2pk',
    'gsi2sk',
    'searchText',
  ]) {
    update.remove([attribute]);
  }
  return {
    TableName: tableName,
    Key: exitKey(exitId),
    ...update.build(),
    ReturnValues: 'ALL_NEW',
  };
}
