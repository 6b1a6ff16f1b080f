import type { Config } from './config.js';
import { buildDigest, buildDigestNotes } from './digest-root.js';
import type { OperatorDeps } from './domain/use-cases/operators.js';
import type { ReconcileDeps } from './domain/use-cases/reconcile.js';
import type { RecordEmailEventDeps } from './domain/use-cases/record-email-event.js';
import type { SendDigestDeps } from './domain/use-cases/send-digest.js';
import type { SendStepDeps } from './domain/use-cases/send-step.js';
import type { WebDeps } from './handlers/web.js';
import { buildMail } from './mail-root.js';
import { buildReconcile } from './reconcile-root.js';
import { buildSendStep } from './send-step-root.js';
import { buildSesEvents } from './ses-events-root.js';
import { buildShared, type Overrides } from './shared-root.js';
import { buildOperators, buildWeb } from './web-root.js';

export { type Overrides, systemClock } from './shared-root.js';

export interface Dependencies {
  web: WebDeps;
  sendStep: SendStepDeps;
  reconcile: ReconcileDeps;
  /** Operators and sessions: the console's sign-in and the CLI's `operator` commands. */
  operators: OperatorDeps;
  sesEvents: RecordEmailEventDeps;
  /** The operator digest; none without an operator address (`FAREWELL_OPERATOR_EMAIL`). */
  digest?: SendDigestDeps;
}

/**
 * Every function's wiring at once, over one set of clients and adapters: the local stack, the
 * CLI and the tests. A Lambda builds only its own part (`functions/lambda/*.ts`: `buildShared`
 * and its `*-root.ts`), so its bundle and its cold start carry nothing it never uses.
 */
export function buildDependencies(config: Config, overrides: Overrides = {}): Dependencies {
  const shared = buildShared(config, overrides);
  const mail = buildMail(shared);
  const operators = buildOperators(shared);
  const digestNotes = buildDigestNotes(shared);
  const digest = buildDigest(shared, mail, digestNotes);
  return {
    web: buildWeb(shared, mail, operators, digestNotes),
    sendStep: buildSendStep(shared, mail),
    reconcile: buildReconcile(shared),
    operators,
    sesEvents: buildSesEvents(shared),
    ...(digest ? { digest } : {}),
  };
}
