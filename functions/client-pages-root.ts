import type { Config } from './config.js';
import type {
  Clock,
  EventLog,
  ExitStore,
  Mailer,
  OperatorAlertRenderer,
  StepScheduler,
} from './domain/ports.js';
import type { SequenceRules } from './domain/sequence-rules.js';
import type { DigestNoteDeps } from './domain/use-cases/send-digest.js';
import type { ClientPageDeps } from './handlers/client-pages/shared.js';
import { isSecureOrigin } from './handlers/http/cookies.js';
import { Csrf, csrfKeys } from './handlers/http/csrf.js';
import { brandingFromConfig } from './rendering/branding.js';
import { PageRenderer } from './rendering/page-renderer.js';

/** The adapters the client pages share with the rest of the app. */
export interface SharedAdapters {
  store: ExitStore;
  scheduler: StepScheduler;
  mailer: Mailer;
  alertRenderer: OperatorAlertRenderer;
  clock: Clock;
  log: EventLog;
  rules: SequenceRules;
  /** Notes answered surveys on the operator's digest; none without an operator address. */
  digest?: DigestNoteDeps;
}

/** The part of the composition root that wires the survey and unsubscribe pages. */
export function buildClientPages(config: Config, shared: SharedAdapters): ClientPageDeps {
  const { store, scheduler, mailer, alertRenderer, clock, log, rules, digest } = shared;
  const branding = brandingFromConfig(config);
  const link = { store, clock, linkKeys: config.FAREWELL_LINK_KEYS };
  return {
    survey: {
      ...link,
      scheduler,
      mailer,
      alertRenderer,
      log,
      ...(config.FAREWELL_OPERATOR_EMAIL ? { operatorEmail: config.FAREWELL_OPERATOR_EMAIL } : {}),
      ...(digest ? { digest } : {}),
    },
    preferences: {
      ...link,
      scheduler,
      log,
      rules,
      suppressionKey: config.FAREWELL_SUPPRESSION_KEY,
    },
    handover: { ...link, log },
    contactEmail: config.FAREWELL_REPLY_TO ?? config.FAREWELL_SENDER_EMAIL,
    pages: new PageRenderer(branding),
    csrf: new Csrf({
      keys: csrfKeys(config.FAREWELL_LINK_KEYS),
      secure: isSecureOrigin(config.FAREWELL_PUBLIC_URL),
    }),
    signature: branding.signature,
    log,
  };
}
