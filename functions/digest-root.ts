import { DynamoDigestStore } from './adapters/dynamo-digest-store.js';
import { EventBridgeDigestScheduler } from './adapters/eventbridge-digest-scheduler.js';
import { parseDigestSettings } from './domain/digest.js';
import type { DigestNoteDeps, SendDigestDeps } from './domain/use-cases/send-digest.js';
import type { Mail } from './mail-root.js';
import { type Shared, scheduleTarget } from './shared-root.js';

/**
 * What noting an exit for the operator's digest needs (web, when a survey is answered); none
 * without an operator address (`FAREWELL_OPERATOR_EMAIL`).
 */
export function buildDigestNotes(shared: Shared): DigestNoteDeps | undefined {
  const { config, documents, clock, log, rules, schedulerClient } = shared;
  if (!config.FAREWELL_OPERATOR_EMAIL) return undefined;
  return {
    digests: new DynamoDigestStore(documents, config.FAREWELL_TABLE_NAME),
    // The same target and role as the steps: the send-step function tells the events apart.
    digestScheduler: new EventBridgeDigestScheduler(schedulerClient, {
      ...scheduleTarget(config),
      clock,
    }),
    clock,
    log,
    settings: parseDigestSettings(
      { hour: config.FAREWELL_DIGEST_HOUR, timezone: config.FAREWELL_OPERATOR_TIMEZONE },
      { timezone: rules.defaultTimezone },
    ),
    operatorEmail: config.FAREWELL_OPERATOR_EMAIL,
  };
}

/** Sending the digest (send-step, which its schedules invoke). */
export function buildDigest(
  shared: Shared,
  { mailer, renderer }: Mail,
  notes = buildDigestNotes(shared),
): SendDigestDeps | undefined {
  if (!notes) return undefined;
  return {
    ...notes,
    store: shared.store,
    mailer,
    renderer,
    leaseSeconds: shared.config.FAREWELL_SEND_LEASE_SECONDS,
  };
}
