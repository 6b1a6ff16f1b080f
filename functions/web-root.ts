import { checklist } from '../config/checklist.js';
import { DynamoOperatorStore } from './adapters/dynamo-operator-store.js';
import { buildClientPages } from './client-pages-root.js';
import { buildConsole } from './console-root.js';
import { buildDigestNotes } from './digest-root.js';
import type { ExitControlDeps } from './domain/use-cases/exit-controls.js';
import type { OperatorDeps } from './domain/use-cases/operators.js';
import type { StartExitDeps } from './domain/use-cases/start-exit.js';
import { WebhookVerifier } from './handlers/http/webhook-signature.js';
import type { WebDeps } from './handlers/web.js';
import type { Mail } from './mail-root.js';
import { type Shared, systemClock } from './shared-root.js';

/** Operators and sessions: the console's sign-in and the CLI's `operator` commands. */
export function buildOperators(shared: Shared): OperatorDeps {
  const { documents, config, log, overrides } = shared;
  return {
    operators: new DynamoOperatorStore(documents, config.FAREWELL_TABLE_NAME),
    // Sessions and sign-in lockouts live in the operator's real time: local mode's time travel
    // moves the sequence, and a 90-day jump must not end the session of the person travelling.
    clock: systemClock,
    log,
    sessionKey: config.FAREWELL_SESSION_KEY,
    ...(overrides.passwordParams ? { passwordParams: overrides.passwordParams } : {}),
  };
}

/** The HTTP API's wiring: webhooks, the console and the client pages. */
export function buildWeb(
  shared: Shared,
  mail: Mail,
  operators = buildOperators(shared),
  digestNotes = buildDigestNotes(shared),
): WebDeps {
  const { config, store, scheduler, clock, log, rules, sendingStatus, overrides } = shared;
  const { mailer, renderer } = mail;
  const controls: ExitControlDeps = { store, scheduler, clock, log, rules };
  const startExit: StartExitDeps = {
    store,
    scheduler,
    clock,
    rules,
    checklist: overrides.checklist ?? checklist,
    defaults: { timezone: rules.defaultTimezone, locale: config.FAREWELL_DEFAULT_LOCALE },
    noticeApproval: config.FAREWELL_NOTICE_APPROVAL,
  };
  return {
    store,
    log,
    verifier: new WebhookVerifier(config.FAREWELL_WEBHOOK_SECRETS),
    startExit,
    controls,
    console: buildConsole(config, {
      operators,
      controls,
      startExit,
      renderer,
      clock,
      log,
      sendingStatus,
    }),
    clientPages: buildClientPages(config, {
      store,
      scheduler,
      mailer,
      alertRenderer: renderer,
      clock,
      log,
      rules,
      ...(digestNotes ? { digest: digestNotes } : {}),
    }),
  };
}
