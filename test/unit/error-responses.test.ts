import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  TransientError,
  ValidationError,
} from '../../functions/domain/errors.js';
import type { EventLog } from '../../functions/domain/ports.js';
import {
  type ErrorRendering,
  errorResponse,
  responseFor,
  statusOf,
} from '../../functions/handlers/http/errors.js';

/** A kind of conflict, as the domain derives them from `ConflictError`. */
class SomeKindOfConflict extends ConflictError {}

function recordingLog(): EventLog & { errors: { message: string; fields: unknown }[] } {
  const errors: { message: string; fields: unknown }[] = [];
  return {
    errors,
    info: () => {},
    warn: () => {},
    error: (message, fields) => errors.push({ message, fields }),
  };
}

const page = (status: number, body: string) => ({ statusCode: status, body });

describe('the error mapper', () => {
  it('gives each class of error one status', () => {
    expect(statusOf(new ValidationError([{ field: 'a', message: 'b' }]))).toBe(422);
    expect(statusOf(new NotFoundError('gone'))).toBe(404);
    expect(statusOf(new ConflictError('lost'))).toBe(409);
    expect(statusOf(new TransientError('later'))).toBe(500);
    expect(statusOf('a string')).toBe(500);
  });

  it('maps every kind of conflict derived from ConflictError to 409', () => {
    expect(statusOf(new SomeKindOfConflict('forbidden now'))).toBe(409);
    const response = errorResponse(new SomeKindOfConflict('forbidden now'), recordingLog());
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(String(response.body))).toMatchObject({ status: 409, title: 'Conflict' });
  });

  it('renders client errors as problem documents that name the bad fields', () => {
    const log = recordingLog();
    const response = errorResponse(new ValidationError([{ field: 'data.x', message: 'bad' }]), log);
    expect(response.statusCode).toBe(422);
    expect(response.headers?.['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(String(response.body))).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'The request has invalid fields.',
      errors: [{ field: 'data.x', message: 'bad' }],
    });
    expect(log.errors).toEqual([]);
  });

  it('answers anything else with a plain 500 and logs only the error name', () => {
    const log = recordingLog();
    const response = errorResponse(new TypeError('secret@client.example'), log);
    expect(response.statusCode).toBe(500);
    expect(String(response.body)).not.toContain('secret');
    expect(log.errors).toEqual([{ message: 'request failed', fields: { error: 'TypeError' } }]);
  });

  it('answers the 500 of a rendering that shows no page for a client error', () => {
    const log = recordingLog();
    const rendering: ErrorRendering = {
      subject: 'client page',
      409: () => page(409, 'try again'),
      500: () => page(500, 'our fault'),
    };
    expect(responseFor(new SomeKindOfConflict('x'), rendering, log)).toEqual(
      page(409, 'try again'),
    );
    expect(responseFor(new NotFoundError('x'), rendering, log)).toEqual(page(500, 'our fault'));
    expect(log.errors).toEqual([
      { message: 'client page failed', fields: { error: 'NotFoundError' } },
    ]);
  });
});
