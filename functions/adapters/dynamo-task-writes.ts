/**
 * The checklist's writes as DynamoDB command inputs: one conditional update per change, guarded
 * by the tasks' revision so that two changes decided from one read never both land.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TaskMove, TaskWrite } from '../domain/ports.js';
import { exitKey } from './dynamo-table.js';
import { UpdateBuilder } from './dynamo-update.js';

/**
 * Adds to `update` what a `TaskMove` writes: the condition on the revision it was decided from
 * (an exit made before the checklist has none: revision 0), each task whole, the next revision
 * and the summary the status index carries.
 */
export function applyTaskMove(update: UpdateBuilder, move: TaskMove): UpdateBuilder {
  const revision = update.path(['taskRevision']);
  update.condition(
    move.revision === 0
      ? `attribute_not_exists(${revision}) OR ${revision} = ${update.value(0)}`
      : `${revision} = ${update.value(move.revision)}`,
  );
  if (move.first) {
    update
      .condition(`attribute_not_exists(${update.path(['tasks'])})`)
      .set(['tasks'], Object.fromEntries(move.put.map((task) => [task.id, task])));
  } else {
    for (const task of move.put) update.set(['tasks', task.id], task);
  }
  return update.set(['taskRevision'], move.revision + 1).set(['openTaskDues'], move.openTaskDues);
}

/** A checklist change with its timeline entry, on an exit that exists and is not erased. */
export function taskUpdate(tableName: string, exitId: string, write: TaskWrite) {
  const update = new UpdateBuilder();
  update
    .condition(`attribute_exists(${update.path(['pk'])})`)
    .condition(`attribute_not_exists(${update.path(['erasedAt'])})`);
  applyTaskMove(update, write)
    .set(['updatedAt'], write.entry.at)
    .appendToList(['timeline'], [write.entry]);
  return {
    TableName: tableName,
    Key: exitKey(exitId),
    ...update.build(),
    ReturnValues: 'ALL_NEW',
  } satisfies UpdateCommandInput;
}
