import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../../functions/adapters/ses-mailer.js';
import { SendThrottledError, TransientError } from '../../../functions/domain/errors.js';
import type { Step } from '../../../functions/domain/exit.js';
import type { Mailer } from '../../../functions/domain/ports.js';
import { createSendStepHandler } from '../../../functions/handlers/send-step.js';
import { buildExit } from '../../support/exit-fixture.js';
import { type Audit, auditExits, report } from './audit.js';
import { batchId, recipient } from './exits.js';
import { reservedLambda } from './reserved-lambda.js';
import { ScaledClock } from './scaled-clock.js';
import { sesRateLimit } from './ses-rate-limit.js';
import type { StressStack, StressStackOptions } from './stress-stack.js';

/**
 * Issue 12's burst: every step planned for the same minute, against an SES that throttles above
 * a few sends a second. Time is scaled: the whole stack reads a clock that runs `scale` times
 * faster than real time (4 by default: a virtual hour in fifteen real minutes), and the SES rate
 * is counted on that clock, so "2 sends a second" means 2 per virtual second, 8 per real second
 * here. Not faster: the local stack sends some 7 a real second on a busy two-core machine, and at
 * 12× that alone made the last step 55 virtual minutes late; at 4× a machine needs only 2.3 sends
 * a real second to finish 2,000 within the hour. That keeps the ratios that matter on AWS — the window's spread against the rate, the
 * lateness allowed against the time the burst takes — within what a busy two-core machine can
 * send (a few dozen a second). What does not scale (the SDK's and the mailer's own waits, the
 * local services' speed) runs slower in virtual time, which only makes steps later, never earlier.
 */
export interface BurstOptions {
  steps: number;
  /** SES's maximum sending rate, per second of the clock. */
  perSecond: number;
  /** Virtual seconds per real second. */
  scale: number;
  /** The stage's `sendWindowMinutes` (0: every step at 10:00:00). */
  windowMinutes: number;
  /** The stage's `sendConcurrency` (reserved concurrency of send-step). */
  concurrency: number;
  /**
   * Whether a throttled send is retried by the mailer's backoff and deferred by send-step (the
   * fix); without, it is thrown as a transient failure to Lambda's two retries, as before.
   */
  throttleRetries: boolean;
}

/** The configured defaults (`config/stages.ts`: window 20, concurrency 10). */
export const BURST_DEFAULTS: BurstOptions = {
  steps: 2_000,
  perSecond: 2,
  scale: 4,
  windowMinutes: 20,
  concurrency: 10,
  throttleRetries: true,
};

/**
 * The defaults with the fixes named in `FAREWELL_BURST_WITHOUT` (comma-separated: `window`,
 * `retries`, `cap`) switched off, to show the scenario fails without them.
 */
export function burstOptions(without = process.env.FAREWELL_BURST_WITHOUT ?? ''): BurstOptions {
  const off = new Set(without.split(',').map((part) => part.trim()));
  return {
    ...BURST_DEFAULTS,
    ...(off.has('window') ? { windowMinutes: 0 } : {}),
    ...(off.has('retries') ? { throttleRetries: false } : {}),
    // Lambda's unreserved default: as many at once as the burst brings.
    ...(off.has('cap') ? { concurrency: BURST_DEFAULTS.steps } : {}),
  };
}

/** The minute every step is due. */
export const BURST_DUE = new Date('2030-03-04T10:00:00.000Z');

/** The stack's options for a burst: the scaled clock, the stage's window, a fast emulator tick. */
export function burstStack(options: BurstOptions): StressStackOptions & { clock: ScaledClock } {
  return {
    // An hour before the burst: time enough to plan every step before it is due.
    clock: new ScaledClock(new Date(BURST_DUE.getTime() - 3_600_000), options.scale),
    schedulerTickMs: 50,
    settings: { FAREWELL_SEND_WINDOW_MINUTES: String(options.windowMinutes) },
  };
}

export interface BurstFigures {
  options: BurstOptions;
  sent: number;
  /** Steps neither sent nor safely waiting. */
  lost: number;
  deadLettered: number;
  duplicates: number;
  /** 429 answers SES gave. */
  throttled: number;
  /** Steps send-step deferred after the mailer's backoff (each a new schedule). */
  deferrals: number;
  /** Lambda's retries of failed runs. */
  lambdaRetries: number;
  /** Virtual minutes from the due minute to the last step sent. */
  maxLatenessMinutes: number;
  /** Steps sent within the hour after the due minute. */
  sentWithinHour: number;
  /** The most sends SES accepted in one second of the clock. */
  maxAcceptedPerSecond: number;
  maxInFlight: number;
  realSeconds: number;
  audit: Audit;
}

/** How long after the due minute the scenario waits for stragglers (virtual). */
const GIVE_UP_AFTER_MS = 90 * 60_000;

function throttlesAsTransient(mailer: Mailer): Mailer {
  return {
    async send(email) {
      try {
        return await mailer.send(email);
      } catch (error) {
        if (error instanceof SendThrottledError) {
          throw new TransientError(error.message, { cause: error });
        }
        throw error;
      }
    },
  };
}

/** Plans `steps` exits' thank-you for `BURST_DUE`, lets the clock run, and counts. */
export async function runBurst(
  stack: StressStack,
  clock: ScaledClock,
  options: BurstOptions,
): Promise<BurstFigures> {
  const started = Date.now();
  const batch = batchId();
  const due = BURST_DUE.toISOString();
  const exitIds: string[] = new Array(options.steps);
  let next = 0;
  const plan = async () => {
    for (let index = next++; index < options.steps; index = next++) {
      const gratitude: Step = {
        id: 'gratitude',
        kind: 'gratitude',
        dueAt: due,
        state: 'scheduled',
        attempts: 0,
      };
      const seed = buildExit();
      const exit = buildExit({
        client: { ...seed.client, name: `Client ${index}`, email: recipient(batch, index) },
        effectiveOn: due.slice(0, 10),
        steps: { gratitude },
      });
      await stack.store.create(exit);
      await stack.deps.sendStep.scheduler.schedule(exit.id, gratitude.id, BURST_DUE);
      exitIds[index] = exit.id;
    }
  };
  await Promise.all(Array.from({ length: 16 }, plan));
  if (clock.now() >= BURST_DUE) throw new Error('planning the burst took past its due minute');

  const limit = sesRateLimit(clock, options.perSecond);
  stack.proxies.ses.inject(limit.rule);
  // The SDK's own throttle retries (two, on a 0.5 s and 1 s base) and the mailer's waits (0.25,
  // 1 and 4 s, `ses-mailer.ts`) run as one schedule of waits divided by the scale, so a backoff
  // lasts as long on the clock as it would on AWS. Without the fix only the SDK's retries remain.
  const sdkWaits = [500, 1_000];
  const mailerWaits = options.throttleRetries ? [250, 1_000, 4_000] : [];
  const sesMailer = new SesMailer(new SESv2Client({ maxAttempts: 1 }), {
    fromEmail: 'hello@northwind.example',
    fromName: 'Northwind Consulting',
    throttleRetryDelaysMs: [...sdkWaits, ...mailerWaits].map((ms) => clock.real(ms)),
  });
  const mailer = options.throttleRetries ? sesMailer : throttlesAsTransient(sesMailer);
  const sendStep = createSendStepHandler({ ...stack.deps.sendStep, mailer });
  const lambda = reservedLambda(
    async (input) => {
      await sendStep(JSON.parse(input));
    },
    // Lambda's retries come one and two minutes after a failure.
    {
      concurrency: options.concurrency,
      retryDelaysMs: [60_000, 120_000].map((ms) => clock.real(ms)),
    },
  );
  stack.setInvoke((input) => lambda.invoke(input));
  clock.advanceTo(new Date(BURST_DUE.getTime() - 2_000));

  const giveUpAt = BURST_DUE.getTime() + GIVE_UP_AFTER_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const settled =
      lambda.idle() && !stack.scheduler.firing() && stack.scheduler.nextDueAt() === undefined;
    if (settled || clock.now().getTime() > giveUpAt) break;
  }
  // What is still running finishes before the count.
  while (!lambda.idle() || stack.scheduler.firing()) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const audit = await auditExits(stack, exitIds);
  const sentAt: number[] = [];
  for (const id of exitIds) {
    const step = (await stack.store.get(id))?.steps.gratitude;
    if (step?.state === 'sent' && step.sentAt) sentAt.push(Date.parse(step.sentAt));
  }
  const lateness = sentAt.map((at) => at - BURST_DUE.getTime());
  const figures: BurstFigures = {
    options,
    sent: sentAt.length,
    // The audit may give one step two reasons (no schedule, overdue): steps are counted once.
    lost: new Set(audit.lost.map((entry) => entry.slice(0, entry.indexOf(':')))).size,
    deadLettered: lambda.stats.deadLettered.length,
    duplicates: audit.duplicates,
    throttled: stack.proxies.ses.injected()[limit.rule.label] ?? 0,
    deferrals: stack.log.count('warn', 'SES throttled the send; step waits'),
    lambdaRetries: lambda.stats.attempts - lambda.stats.invocations,
    maxLatenessMinutes: Math.round(Math.max(0, ...lateness) / 600) / 100,
    sentWithinHour: lateness.filter((ms) => ms < 3_600_000).length,
    maxAcceptedPerSecond: Math.max(0, ...limit.acceptedPerSecond().values()),
    maxInFlight: lambda.stats.maxInFlight,
    realSeconds: Math.round((Date.now() - started) / 100) / 10,
    audit,
  };
  const { audit: _audit, ...row } = figures;
  report({
    scenario: `faults-ses-burst${options.windowMinutes === 0 || !options.throttleRetries ? '-without-fixes' : ''}`,
    faults: stack.proxies.ses.injected(),
    exits: audit.exits,
    steps: audit.steps,
    byState: audit.byState,
    emails: audit.accepted,
    duplicates: audit.duplicates,
    leaseWindowDuplicates: audit.leaseWindowDuplicates,
    lost: audit.lost.length,
    functionErrors: Object.values(lambda.stats.failures).reduce((sum, count) => sum + count, 0),
    functionErrorCauses: lambda.stats.failures,
    deadLettered: figures.deadLettered,
    reconcilerRepairs: 0,
    seconds: figures.realSeconds,
    notes: `burst ${JSON.stringify(row)}`,
  });
  return figures;
}
