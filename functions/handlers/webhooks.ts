import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { TASK_LIMITS } from '../domain/checklist-rules.js';
import { ValidationError } from '../domain/errors.js';
import { parseExitRequest, toValidationError } from '../domain/exit-request.js';
import { lazy } from '../domain/lazy.js';
import { parseEffectiveDate, rescheduleExits } from '../domain/use-cases/change-effective-date.js';
import { completeTasks } from '../domain/use-cases/change-task.js';
import {
  type ControlAction,
  controlExits,
  type ExitControlDeps,
  MAX_CONTROL_EXITS,
} from '../domain/use-cases/exit-controls.js';
import type { StartExitDeps } from '../domain/use-cases/start-exit.js';
import { startExit } from '../domain/use-cases/start-exit.js';
import { bodyBytes, bodyText, header, isJson } from './http/request.js';
import { type HttpResponse, json, problem } from './http/responses.js';
import type { WebhookVerifier } from './http/webhook-signature.js';

export const MAX_WEBHOOK_BYTES = 64 * 1024;
export { MAX_CONTROL_EXITS };

const envelopeSchema = lazy(() =>
  z.object({
    type: z.string().min(1, 'must name the event type'),
    timestamp: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
      .optional(),
    data: z.record(z.string(), z.unknown(), 'must be an object'),
  }),
);

export interface WebhookDeps {
  verifier: WebhookVerifier;
  startExit: StartExitDeps;
  controls: ExitControlDeps;
}

/**
 * `reschedule`: a new effective date, through the same use case as the console's;
 * `complete-task`: a checklist task ticked off, as the console's tick.
 */
type WebhookControl = ControlAction | 'reschedule' | 'complete-task';

const CONTROL_TYPES: Record<string, WebhookControl> = {
  'exit.cancelled': 'cancel',
  'exit.paused': 'pause',
  'exit.resumed': 'resume',
  'exit.rescheduled': 'reschedule',
  'exit.task.completed': 'complete-task',
};

const TASK_REFERENCE_MESSAGE = 'must name the task by taskId (t1, t2…) or title';
const taskReferenceSchema = lazy(() =>
  z.union(
    [
      z.object({ taskId: z.string().regex(/^t[1-9]\d{0,3}$/) }),
      z.object({ title: z.string().trim().min(1).max(TASK_LIMITS.title) }),
    ],
    { error: TASK_REFERENCE_MESSAGE },
  ),
);

const exitReferenceSchema = lazy(() =>
  z.union(
    [
      z.object({ exitId: z.string().regex(/^x[0-9a-f]{24}$/, 'must be an exit id from Farewell') }),
      z.object({ externalId: z.string().trim().min(1).max(200) }),
    ],
    { error: 'must name the exit by exitId or externalId' },
  ),
);

/** The longest `webhook-id` accepted, in bytes. */
export const MAX_WEBHOOK_ID_BYTES = 256;

/** How long the first answer to a control event is kept: well past the 5-minute replay window. */
const CONTROL_ANSWER_DAYS = 7;

/**
 * Applies a control event once per `webhook-id`: a redelivery answers what the first delivery
 * answered and changes nothing. `sentAt` (the envelope's `timestamp`, else `webhook-timestamp`)
 * orders pauses and resumes, so an older one arriving late does not undo a newer one.
 */
async function handleControlOnce(
  deps: WebhookDeps,
  action: WebhookControl,
  data: unknown,
  eventId: string,
  sentAt: string,
): Promise<HttpResponse> {
  const store = deps.controls.store;
  const first = await store.controlAnswer(eventId);
  if (first !== undefined) return json(200, first);
  const response = await handleControl(deps, action, data, sentAt);
  const expiresAt = new Date(
    deps.controls.clock.now().getTime() + CONTROL_ANSWER_DAYS * 86_400_000,
  ).toISOString();
  const kept = await store.rememberControlAnswer(
    eventId,
    JSON.parse(String(response.body)),
    expiresAt,
  );
  return json(200, kept);
}

/** Applies a control event to the exit it names, or to every exit started with that external id. */
async function handleControl(
  deps: WebhookDeps,
  action: WebhookControl,
  data: unknown,
  sentAt: string,
): Promise<HttpResponse> {
  // Checked before any exit is looked up or changed; a date too far past is each exit's call.
  const effectiveOn =
    action === 'reschedule' ? parseEffectiveDate(dateText(data), 'data.effectiveOn') : '';
  const task = action === 'complete-task' ? taskReferenceSchema.safeParse(data) : undefined;
  if (task && !task.success) {
    throw new ValidationError([{ field: 'data.taskId', message: TASK_REFERENCE_MESSAGE }]);
  }
  const reference = exitReferenceSchema.safeParse(data);
  if (!reference.success) {
    throw new ValidationError([
      { field: 'data', message: 'must name the exit by exitId or externalId' },
    ]);
  }
  const result =
    action === 'reschedule'
      ? await rescheduleExits(deps.controls, reference.data, effectiveOn, sentAt)
      : action === 'complete-task'
        ? await completeTasks(
            deps.controls,
            reference.data,
            task?.success ? task.data : { title: '' },
          )
        : await controlExits(deps.controls, action, reference.data, 'webhook', sentAt);
  if (result.outcome === 'too-many-exits') {
    throw new ValidationError([
      {
        field: 'data.externalId',
        message: `matches more than ${result.max} exits; nothing was changed. Send one event per exitId instead.`,
      },
    ]);
  }
  const { exits } = result;
  return json(200, { exits });
}

/** `data.effectiveOn` as text; anything else fails the date check that follows. */
function dateText(data: unknown): string {
  const value = (data as { effectiveOn?: unknown }).effectiveOn;
  return typeof value === 'string' ? value : '';
}

/**
 * `POST /webhooks/exits`: size, media type, signature, JSON, then the event. The signature is
 * checked before the body is parsed, so nothing unauthenticated reaches a parser beyond the size
 * and media-type checks.
 */
export async function handleExitWebhook(
  deps: WebhookDeps,
  event: APIGatewayProxyEventV2,
): Promise<HttpResponse> {
  if (bodyBytes(event) > MAX_WEBHOOK_BYTES) {
    return problem(413, `The body must be at most ${MAX_WEBHOOK_BYTES} bytes.`);
  }
  if (!isJson(header(event, 'content-type'))) {
    return problem(415, 'The body must be JSON (Content-Type: application/json).');
  }
  const body = bodyText(event);
  const check = deps.verifier.verify(body, {
    'webhook-id': header(event, 'webhook-id'),
    'webhook-timestamp': header(event, 'webhook-timestamp'),
    'webhook-signature': header(event, 'webhook-signature'),
  });
  if (!check.valid) {
    return problem(401, `The webhook signature could not be verified: ${check.reason}.`);
  }
  // The id keys the stored answer of a control event: DynamoDB refuses keys past 2,048 bytes,
  // and no sender needs more than a few dozen characters (Standard Webhooks uses `msg_<ksuid>`).
  if (Buffer.byteLength(check.eventId) > MAX_WEBHOOK_ID_BYTES) {
    return problem(400, `The webhook-id header must be at most ${MAX_WEBHOOK_ID_BYTES} bytes.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return problem(400, 'The body is not valid JSON.');
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) throw toValidationError(envelope.error);

  switch (envelope.data.type) {
    case 'exit.requested': {
      const request = parseExitRequest(envelope.data.data, 'data');
      const result = await startExit(deps.startExit, request, {
        source: 'webhook',
        eventId: check.eventId,
      });
      return json(202, { exitId: result.exitId });
    }
    default: {
      const type = envelope.data.type;
      const action = Object.hasOwn(CONTROL_TYPES, type) ? CONTROL_TYPES[type] : undefined;
      if (action) {
        const sentAt =
          envelope.data.timestamp !== undefined
            ? new Date(envelope.data.timestamp).toISOString()
            : check.signedAt;
        return handleControlOnce(deps, action, envelope.data.data, check.eventId, sentAt);
      }
      throw new ValidationError([
        {
          field: 'type',
          message: `must be one of: exit.requested, ${Object.keys(CONTROL_TYPES).join(', ')}`,
        },
      ]);
    }
  }
}
