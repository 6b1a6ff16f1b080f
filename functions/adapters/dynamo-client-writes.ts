/**
 * The writes a client's own actions cause (a survey submission, undoing an unsubscribe), as
 * DynamoDB command inputs. Kept beside `DynamoExitStore`, which sends them, so that file keeps
 * to the sequence's own writes.
 */
import type { DeleteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TimelineEntry } from '../domain/exit.js';
import type { HandoverConfirmation, SurveyWrite } from '../domain/ports.js';
import { stepMayMove } from './dynamo-step-conditions.js';
import { exitKey, suppressionKey } from './dynamo-table.js';
import { UpdateBuilder } from './dynamo-update.js';

/**
 * One conditional update: the exit exists; the stored revision is the one this write replaces
 * (none for a first answer), so two submissions can never both land on the same revision; each
 * step to skip is one the step machine lets be skipped (`scheduled`: a step being sent is left
 * alone); the exit was not erased
 * (an erase racing the submission wins, and no personal data lands on it afterwards).
 */
export function surveyUpdate(tableName: string, exitId: string, write: SurveyWrite) {
  const update = new UpdateBuilder();
  update
    .condition(`attribute_exists(${update.path(['pk'])})`)
    .condition(`attribute_not_exists(${update.path(['erasedAt'])})`);
  const survey = ['survey'];
  if (write.replaces === 0) {
    update.condition(`attribute_not_exists(${update.path(survey)})`);
  } else {
    update.condition(`${update.path([...survey, 'revision'])} = ${update.value(write.replaces)}`);
  }
  for (const stepId of write.skip?.stepIds ?? []) {
    const step = ['steps', stepId];
    stepMayMove(update, stepId, 'skipped', 'other')
      .set([...step, 'state'], 'skipped')
      .set([...step, 'reason'], write.skip?.reason ?? '');
  }
  update
    .set(survey, write.response)
    .set(['updatedAt'], write.entry.at)
    .appendToList(['timeline'], [write.entry]);
  return {
    TableName: tableName,
    Key: exitKey(exitId),
    ...update.build(),
    ReturnValues: 'ALL_NEW',
  } satisfies UpdateCommandInput;
}

/**
 * One conditional update for the client's confirmation of handover items: each item is written
 * back whole at its place, only while that place still holds the item as read (its id, or the
 * plain text an exit from before handover objects keeps) and no confirmation yet. Two
 * confirmations of different items at once both land; the same item twice lands once. An
 * erasure (which empties the list) wins over a confirmation racing it.
 */
export function handoverUpdate(
  tableName: string,
  exitId: string,
  confirmation: HandoverConfirmation,
) {
  const update = new UpdateBuilder();
  update
    .condition(`attribute_exists(${update.path(['pk'])})`)
    .condition(`attribute_not_exists(${update.path(['erasedAt'])})`);
  const list = update.path(['handover']);
  for (const { index, item } of confirmation.items) {
    const place = `${list}[${index}]`;
    const { confirmedAt: _at, ...asRead } = item;
    const plain = !asRead.url && !asRead.note && asRead.id === `h${index + 1}`;
    const unconfirmed = `${place}.${update.path(['id'])} = ${update.value(item.id)} AND attribute_not_exists(${place}.${update.path(['confirmedAt'])})`;
    // The builder wraps each condition in parentheses; DynamoDB refuses redundant ones.
    update.condition(
      plain ? `(${unconfirmed}) OR ${place} = ${update.value(item.title)}` : unconfirmed,
    );
    update.setAtPath(place, item);
  }
  update.set(['updatedAt'], confirmation.at).appendToList(['timeline'], [confirmation.entry]);
  return {
    TableName: tableName,
    Key: exitKey(exitId),
    ...update.build(),
    ReturnValues: 'ALL_NEW',
  } satisfies UpdateCommandInput;
}

/** Appends one timeline entry to an existing exit. */
export function timelineUpdate(tableName: string, exitId: string, entry: TimelineEntry) {
  const update = new UpdateBuilder();
  update
    .condition(`attribute_exists(${update.path(['pk'])})`)
    .appendToList(['timeline'], [entry])
    .set(['updatedAt'], entry.at);
  return { TableName: tableName, Key: exitKey(exitId), ...update.build() };
}

/** Deletes a suppression only if it was made for `reason`. */
export function unsuppressDelete(
  tableName: string,
  emailHash: string,
  reason: string,
): DeleteCommandInput {
  return {
    TableName: tableName,
    Key: suppressionKey(emailHash),
    ConditionExpression: '#reason = :reason',
    ExpressionAttributeNames: { '#reason': 'reason' },
    ExpressionAttributeValues: { ':reason': reason },
  };
}
