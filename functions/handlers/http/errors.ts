import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { EventLog } from '../../domain/ports.js';
import { type HttpResponse, problem } from './responses.js';

/** The statuses an error can answer: client errors say what is wrong, anything else is a 500. */
export type ErrorStatus = 404 | 409 | 422 | 500;

type Classified =
  | { status: 422; error: ValidationError }
  | { status: 404; error: NotFoundError }
  | { status: 409; error: ConflictError }
  | { status: 500 };

function classify(error: unknown): Classified {
  if (error instanceof ValidationError) return { status: 422, error };
  if (error instanceof NotFoundError) return { status: 404, error };
  if (error instanceof ConflictError) return { status: 409, error };
  return { status: 500 };
}

/**
 * The one place an error gets its HTTP status. `ConflictError` is mapped as a class, so each
 * kind of conflict derived from it answers 409 too.
 */
export function statusOf(error: unknown): ErrorStatus {
  return classify(error).status;
}

/**
 * How one surface shows errors: the API as problem JSON, the console and the client pages as
 * HTML pages. A surface may leave a client error out when none of its use cases throws it there:
 * one that does anyway is a defect of ours, and answers the 500.
 */
export interface ErrorRendering {
  /** What failed, for the log line of a 500: `${subject} failed`. */
  subject: string;
  422?: (error: ValidationError) => HttpResponse;
  404?: (error: NotFoundError) => HttpResponse;
  409?: (error: ConflictError) => HttpResponse;
  /** Carries no detail; the log has the error's name, never its data. */
  500: () => HttpResponse;
}

/** The response of a thrown error, rendered for its surface. */
export function responseFor(
  error: unknown,
  rendering: ErrorRendering,
  log: EventLog,
): HttpResponse {
  const shown = clientErrorPage(classify(error), rendering);
  if (shown) return shown;
  log.error(`${rendering.subject} failed`, {
    error: error instanceof Error ? error.name : 'unknown',
  });
  return rendering[500]();
}

function clientErrorPage(found: Classified, rendering: ErrorRendering): HttpResponse | undefined {
  switch (found.status) {
    case 422:
      return rendering[422]?.(found.error);
    case 404:
      return rendering[404]?.(found.error);
    case 409:
      return rendering[409]?.(found.error);
    case 500:
      return undefined;
  }
}

/** The API's and the webhooks' rendering: RFC 9457 problem documents. */
export const PROBLEM_JSON: ErrorRendering = {
  subject: 'request',
  422: (error) => problem(422, 'The request has invalid fields.', error.problems),
  404: (error) => problem(404, error.message),
  409: (error) => problem(409, error.message),
  500: () => problem(500, 'Something went wrong on our side. Please try again later.'),
};

/** A thrown error as a problem document (the API, the webhooks, and whatever else escapes). */
export function errorResponse(error: unknown, log: EventLog): HttpResponse {
  return responseFor(error, PROBLEM_JSON, log);
}
