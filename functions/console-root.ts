import type { Config } from './config.js';
import type { Clock, EmailRenderer, EventLog, SendingStatus } from './domain/ports.js';
import type { ExitControlDeps } from './domain/use-cases/exit-controls.js';
import type { OperatorDeps } from './domain/use-cases/operators.js';
import type { StartExitDeps } from './domain/use-cases/start-exit.js';
import type { ConsoleDeps } from './handlers/console/context.js';
import { isSecureOrigin } from './handlers/http/cookies.js';
import { Csrf, csrfKeys } from './handlers/http/csrf.js';
import { brandingFromConfig } from './rendering/branding.js';
import { PageRenderer } from './rendering/page-renderer.js';

/** What the console shares with the rest of the app, already built. */
export interface ConsoleAdapters {
  operators: OperatorDeps;
  controls: ExitControlDeps;
  startExit: StartExitDeps;
  renderer: EmailRenderer;
  clock: Clock;
  log: EventLog;
  sendingStatus?: SendingStatus;
}

/**
 * The part of the composition root that wires the operator console. Local mode adds its
 * `localTools` afterwards; the Lambda never has them.
 */
export function buildConsole(config: Config, shared: ConsoleAdapters): ConsoleDeps {
  const { controls, clock, log } = shared;
  const secure = isSecureOrigin(config.FAREWELL_PUBLIC_URL);
  return {
    operators: shared.operators,
    store: controls.store,
    controls,
    startExit: shared.startExit,
    erase: {
      store: controls.store,
      scheduler: controls.scheduler,
      clock,
      log,
      suppressionKey: config.FAREWELL_SUPPRESSION_KEY,
    },
    notices: shared.renderer,
    pages: new PageRenderer(brandingFromConfig(config)),
    csrf: new Csrf({ keys: csrfKeys(config.FAREWELL_LINK_KEYS), secure }),
    secure,
    clock,
    log,
    rules: controls.rules,
    ...(shared.sendingStatus ? { sendingStatus: shared.sendingStatus } : {}),
  };
}
