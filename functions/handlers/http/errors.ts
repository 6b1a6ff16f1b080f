import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { EventLog } from '../../domain/ports.js';
import { type HttpResponse, problem } from './responses.js';

/**
 * The one place errors become HTTP statuses. Client errors say what is wrong; anything else is a
 * plain 500 with no detail (the log has the error's name, never its data).
 */
export function errorResponse(error: unknown, log: EventLog): HttpResponse {
  if (error instanceof ValidationError) {
    return problem(422, 'The request has invalid fields.', error.problems);
  }
  if (error instanceof NotFoundError) return problem(404, error.message);
  if (error instanceof ConflictError) return problem(409, error.message);
  log.error('request failed', { error: error instanceof Error ? error.name : 'unknown' });
  return problem(500, 'Something went wrong on our side. Please try again later.');
}
