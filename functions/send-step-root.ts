import type { SendStepDeps } from './domain/use-cases/send-step.js';
import type { Mail } from './mail-root.js';
import type { Shared } from './shared-root.js';

/** The step sender's wiring: the table, the schedules and mail, no pages. */
export function buildSendStep(shared: Shared, { mailer, renderer }: Mail): SendStepDeps {
  const { store, scheduler, clock, log, rules, config, sendingStatus } = shared;
  return {
    store,
    mailer,
    renderer,
    scheduler,
    clock,
    log,
    rules,
    suppressionKey: config.FAREWELL_SUPPRESSION_KEY,
    leaseSeconds: config.FAREWELL_SEND_LEASE_SECONDS,
    sendingStatus,
  };
}
