import { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import { lazy } from '../domain/lazy.js';
import {
  type EmailEvent,
  type RecordEmailEventDeps,
  type RecordEmailEventResult,
  recordEmailEvent,
} from '../domain/use-cases/record-email-event.js';

/**
 * SES configuration-set events as EventBridge delivers them from the default bus: the envelope's
 * `detail` is the SES event record (`eventType`, `mail`, and `bounce` | `complaint` | `delivery`).
 * Only the fields Farewell uses are read; everything else SES adds is ignored.
 */
const envelope = lazy(() => {
  const timestamp = z.iso.datetime({ offset: true });

  const mail = z.object({
    messageId: z.string().min(1),
    /** SES tags, each a list; the mailer sets `exit` and `step`. */
    tags: z.record(z.string(), z.array(z.string())).optional(),
  });

  const recipient = z.object({ emailAddress: z.string().min(3) });

  const detail = z.discriminatedUnion('eventType', [
    z.object({
      eventType: z.literal('Bounce'),
      mail,
      bounce: z.object({
        bounceType: z.string().min(1),
        bounceSubType: z.string().min(1),
        bouncedRecipients: z.array(recipient).min(1),
        timestamp,
      }),
    }),
    z.object({
      eventType: z.literal('Complaint'),
      mail,
      complaint: z.object({ complainedRecipients: z.array(recipient).min(1), timestamp }),
    }),
    z.object({
      eventType: z.literal('Delivery'),
      mail,
      delivery: z.object({ timestamp }),
    }),
  ]);

  return z.object({ source: z.literal('aws.ses'), detail });
});

/** The first value of a tag, when it is one of our ids. */
function tag(tags: Record<string, string[]> | undefined, name: string): string | undefined {
  const value = tags?.[name]?.[0];
  return value && /^[0-9a-zA-Z_-]{1,64}$/.test(value) ? value : undefined;
}

/** Validates an EventBridge SES event and turns it into the use case's input. */
export function parseSesEvent(input: unknown): EmailEvent {
  const result = envelope.safeParse(input);
  if (!result.success) {
    // Paths and messages only: a bad event may hold an address, which must not reach the logs.
    throw new ValidationError(
      result.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.') || '(event)',
        message: issue.message,
      })),
    );
  }
  const { detail: record } = result.data;
  const exitId = tag(record.mail.tags, 'exit');
  const stepId = tag(record.mail.tags, 'step');
  const ref = {
    messageId: record.mail.messageId,
    ...(exitId ? { exitId } : {}),
    ...(stepId ? { stepId } : {}),
  };
  switch (record.eventType) {
    case 'Bounce':
      return {
        ...ref,
        kind: 'bounce',
        bounceType: record.bounce.bounceType,
        bounceSubType: record.bounce.bounceSubType,
        recipients: record.bounce.bouncedRecipients.map((r) => r.emailAddress),
        at: record.bounce.timestamp,
      };
    case 'Complaint':
      return {
        ...ref,
        kind: 'complaint',
        recipients: record.complaint.complainedRecipients.map((r) => r.emailAddress),
        at: record.complaint.timestamp,
      };
    case 'Delivery':
      return { ...ref, kind: 'delivery', at: record.delivery.timestamp };
  }
}

export type SesEventsHandler = (event: unknown) => Promise<RecordEmailEventResult>;

/**
 * The ses-events Lambda, fed by an EventBridge rule on bounce, complaint and delivery events of
 * Farewell's configuration set. A malformed event throws: retries and the dead-letter queue keep it.
 */
export function createSesEventsHandler(deps: RecordEmailEventDeps): SesEventsHandler {
  return async (event) => recordEmailEvent(deps, parseSesEvent(event));
}
