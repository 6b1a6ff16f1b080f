import type { RecordEmailEventDeps } from './domain/use-cases/record-email-event.js';
import type { Shared } from './shared-root.js';

/** The SES event recorder's wiring: the table and the schedules, no mail, no pages. */
export function buildSesEvents(shared: Shared): RecordEmailEventDeps {
  const { store, scheduler, clock, log, config } = shared;
  return { store, scheduler, clock, log, suppressionKey: config.FAREWELL_SUPPRESSION_KEY };
}
