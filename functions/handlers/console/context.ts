/** What every console handler is given: the dependencies and, once signed in, who is asking. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OperatorProfile } from '../../domain/operator.js';
import type {
  Clock,
  EmailRenderer,
  EventLog,
  ExitStore,
  SendingBlock,
  SendingStatus,
} from '../../domain/ports.js';
import type { SequenceRules } from '../../domain/sequence-rules.js';
import type { Session } from '../../domain/sessions.js';
import type { EraseDeps } from '../../domain/use-cases/erase-exit.js';
import type { ExitControlDeps } from '../../domain/use-cases/exit-controls.js';
import type { OperatorDeps } from '../../domain/use-cases/operators.js';
import type { StartExitDeps } from '../../domain/use-cases/start-exit.js';
import type { PageRenderer } from '../../rendering/page-renderer.js';
import type { Csrf } from '../http/csrf.js';

/**
 * Local mode's tools, shown in the console when present. `npm start` passes them; the Lambda
 * never does, so the web handler itself knows nothing about local mode.
 */
export interface LocalTools {
  inboxUrl: string;
  previewsUrl: string;
  /** Moves the virtual clock forward and fires what falls due. */
  timeTravel(days: number): Promise<{ now: string; fired: number }>;
}

/** What the operator console needs, built once by the composition root. */
export interface ConsoleDeps {
  operators: OperatorDeps;
  store: ExitStore;
  controls: ExitControlDeps;
  startExit: StartExitDeps;
  erase: EraseDeps;
  /** Renders the notice email of the new-exit preview. */
  notices: EmailRenderer;
  pages: PageRenderer;
  csrf: Csrf;
  /** The console is served over https: Secure cookies with the `__Host-` prefix. */
  secure: boolean;
  clock: Clock;
  log: EventLog;
  rules: SequenceRules;
  /** Whether the SES account can send, for the banner of every signed-in page. */
  sendingStatus?: SendingStatus;
  localTools?: LocalTools;
}

/** A request from a signed-in operator. */
export interface Signed {
  deps: ConsoleDeps;
  event: APIGatewayProxyEventV2;
  session: Session;
  operator: OperatorProfile;
  /** The recorded block while the SES account cannot send (read once per request). */
  sendingBlock?: SendingBlock;
}
