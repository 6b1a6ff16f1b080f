/**
 * One send-step "Lambda invocation" in a process of its own, built like the Lambda's composition
 * root against the stack's endpoints (from the environment). The mailer is wrapped so the parent
 * sees the moment SES accepted the message: the child prints `accepted` before the commit, and
 * with FAREWELL_TEST_HOLD_AFTER_SEND=1 it then waits to be killed, so the kill lands exactly
 * between send and commit. Prints one JSON line per event; exits 1 when the handler throws.
 *
 * Usage: node --import tsx send-step-child.ts '<step event JSON>'
 */
import { buildDependencies } from '../../../functions/composition-root.js';
import { loadConfig } from '../../../functions/config.js';
import type { Mailer } from '../../../functions/domain/ports.js';
import { createSendStepHandler } from '../../../functions/handlers/send-step.js';
import { VirtualClock } from '../../../infra/local/virtual-clock.js';
import { silentLog } from '../../support/silent-log.js';
import { STRESS_RULES } from './stress-rules.js';

/** The parent kills a held child within milliseconds; a child never outlives a lost parent. */
const HOLD_LIMIT_MS = 30_000;

const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const deps = buildDependencies(loadConfig(process.env), {
  clock: new VirtualClock(process.env.FAREWELL_CLOCK_FILE),
  log: silentLog,
  rules: STRESS_RULES,
});
const hold = process.env.FAREWELL_TEST_HOLD_AFTER_SEND === '1';
const ses = deps.sendStep.mailer;
const reporting: Mailer = {
  async send(email) {
    const result = await ses.send(email);
    emit({ type: 'accepted', messageId: result.messageId });
    if (hold) {
      await new Promise((resolve) => setTimeout(resolve, HOLD_LIMIT_MS));
      process.exit(99);
    }
    return result;
  },
};
const handler = createSendStepHandler({ ...deps.sendStep, mailer: reporting });

try {
  const result = await handler(JSON.parse(process.argv[2] ?? '{}'));
  emit({ type: 'result', outcome: result.outcome });
} catch (error) {
  emit({ type: 'error', name: error instanceof Error ? error.name : 'unknown' });
  process.exitCode = 1;
}
