import { TransientError } from '../domain/errors.js';
import { isNamed } from './dynamo-table.js';

/** What `conditional` answers when the write's condition did not hold. */
export const CONDITION_FAILED = Symbol('condition-failed');

/** Runs one call; any failure becomes a `TransientError` naming only the operation. */
export async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new TransientError(`DynamoDB ${operation} failed`, { cause: error });
  }
}

/** Like `call`, but a failed condition is an answer, not an error. */
export async function conditional<T>(
  operation: string,
  send: () => Promise<T>,
): Promise<T | typeof CONDITION_FAILED> {
  try {
    return await send();
  } catch (error) {
    if (isNamed(error, 'ConditionalCheckFailedException')) return CONDITION_FAILED;
    throw new TransientError(`DynamoDB ${operation} failed`, { cause: error });
  }
}
