import { SES_EVENT_TYPES } from '../infra/cdk/ses-event-types.js';
import type { ApiCallsResult, CallCounts, SesEventCalls } from './api-calls.js';
import { PRICES } from './pricing.js';
import { round } from './support/stats.js';

/**
 * Modelled cost of 1,000 exits from the counted calls and `PRICES`, every service an exit uses.
 * Assumptions, stated in the report too:
 * - a cold start is billed for the measured cold-start proxy plus `HANDLER_MS` of work at the
 *   functions' 512 MB, and reads the secret once (`functions/lambda/bootstrap.ts`); a warm
 *   invocation bills `HANDLER_MS` and reads nothing. Every webhook and every SES event is taken
 *   as a cold start. Sends are not: they fall in the send window of business mornings, where at
 *   most `sendConcurrency` environments start per window (`coldShareAt`); the worst case (every
 *   invocation cold, a firm with a handful of exits) is reported beside it (`allCold`);
 * - the status index doubles the write units of exit items; the reconciler reads each active
 *   exit once a day;
 * - SES events reach ses-events only for the types the configuration set publishes
 *   (`infra/cdk/ses-event-types.ts`), at `SES_EVENT_RATES` per email sent;
 * - each invocation logs what it logged on the local stack at INFO, plus its EMF line and the
 *   Lambda platform lines (`PLATFORM_LOG_LINES`), kept one month (the log groups' retention);
 * - EventBridge carries SES's events on the default bus (free) and no custom event;
 * - the dead-letter queue costs only when something fails: nothing on an exit that goes well.
 * Costs that do not grow with exits (custom metrics, alarms, the secret, the daily reconciler
 * run) are per month (`fixedMonthly`), shown apart with their share per 1,000 exits at a stated
 * volume; the cost goal is on what each exit adds.
 */
export const HANDLER_MS = 100;
const MEMORY_GB = 0.5;
export const COST_GOAL_PER_1000 = 0.45;

/** Events per email sent, by SES event type: deliveries one each, the rest at SES's review thresholds. */
export const SES_EVENT_RATES: Record<string, number> = {
  delivery: 1,
  /** SES puts an account under review at a 5 % bounce rate: an upper bound. */
  bounce: 0.05,
  /** …and at a 0.1 % complaint rate. */
  complaint: 0.001,
};

/** Events that reach ses-events per email sent, with the event types subscribed today. */
export const SES_EVENTS_PER_EMAIL = SES_EVENT_TYPES.reduce(
  (sum, type) => sum + (SES_EVENT_RATES[type.event] ?? 0),
  0,
);

/**
 * The lines Lambda itself writes to a function's log group per cold invocation (text format, the
 * functions' default), with typical values: their bytes are ingested like ours.
 */
export const PLATFORM_LOG_LINES = [
  'INIT_START Runtime Version: nodejs:22.v60\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
  'START RequestId: 01234567-89ab-cdef-0123-456789abcdef Version: $LATEST\n',
  'END RequestId: 01234567-89ab-cdef-0123-456789abcdef\n',
  'REPORT RequestId: 01234567-89ab-cdef-0123-456789abcdef\tDuration: 123.45 ms\tBilled Duration: 339 ms\tMemory Size: 512 MB\tMax Memory Used: 101 MB\tInit Duration: 215.67 ms\t\n',
];
export const PLATFORM_LOG_BYTES = PLATFORM_LOG_LINES.reduce(
  (sum, line) => sum + Buffer.byteLength(line),
  0,
);

/** Custom metrics the functions publish (EMF, dimension `service` only), by function. */
export const CUSTOM_METRICS = [
  'StepSent',
  'StepWaiting',
  'StepSkipped',
  'StepFailed',
  'StepNoOp',
  'Http2xx',
  'Http3xx',
  'Http4xx',
  'Http5xx',
  'EmailEventStopped',
  'EmailEventSuppressed',
  'EmailEventRecorded',
  'EmailEventDuplicate',
  'EmailEventUnknownExit',
  'SchedulesRepaired',
  'ExitsCompleted',
  'Error',
] as const;

/** The monthly volume at which the fixed costs are shared out per exit in the report. */
export const STATED_EXITS_PER_MONTH = 1000;

/**
 * Send windows a month: the steps of a business morning reach send-step within one window
 * (`sendWindowMinutes`, 20) at 10:00 in each client time zone; 22 business days, 3 time zones.
 */
export const SEND_WINDOWS_PER_MONTH = 22 * 3;
/** The stage's default `sendConcurrency`: at most this many send-step environments per window. */
export const SEND_CONCURRENCY = 10;

/** Share of invocations that are cold starts, by function. */
export interface ColdShare {
  web: number;
  sendStep: number;
  sesEvents: number;
}

export const ALL_COLD: ColdShare = { web: 1, sendStep: 1, sesEvents: 1 };

/**
 * At `exitsPerMonth` four-email exits: each send window starts at most `SEND_CONCURRENCY`
 * environments, and the window's other sends reuse them (an environment lives for minutes, the
 * window lasts 20). Webhooks come one at a time through the day, SES events seldom: both cold.
 */
export function coldShareAt(exitsPerMonth: number, emailsPerExit: number): ColdShare {
  const sends = exitsPerMonth * emailsPerExit;
  const coldSends = SEND_CONCURRENCY * SEND_WINDOWS_PER_MONTH;
  return { web: 1, sendStep: sends > 0 ? Math.min(1, coldSends / sends) : 1, sesEvents: 1 };
}
const HOURS_PER_MONTH = 730;

export interface CostLines {
  ses: number;
  dynamodb: number;
  lambda: number;
  scheduler: number;
  httpApi: number;
  reconciler: number;
  /** ses-events: its invocations and their reads and writes. */
  sesEvents: number;
  /** Secrets Manager: one GetSecretValue per cold start. */
  secrets: number;
  /** CloudWatch Logs: ingestion and one month's storage of every invocation's lines. */
  logs: number;
  /** EventBridge: SES's events on the default bus; no custom events. */
  eventBridge: number;
  total: number;
}

export interface FixedMonthly {
  /** Every custom metric with data in every hour: the most they can cost. */
  metricsUpTo: number;
  /** The metrics a month of exits going well publishes, billed by the hours they have data. */
  metricsAtVolume: number;
  alarms: number;
  secret: number;
  /** The daily reconciler run itself (its reads per active exit are in the per-exit lines). */
  reconcilerRuns: number;
  /** The dead-letter queue: requests only when something fails. */
  deadLetterQueue: number;
  /** With metrics at volume. */
  total: number;
  /** `total` shared over `STATED_EXITS_PER_MONTH` exits, per 1,000 exits. */
  per1000AtVolume: number;
}

export interface ColdStartMs {
  web: number;
  sendStep: number;
  sesEvents: number;
  reconcile: number;
}

export interface CostModel {
  /** Per 1,000 exits, US dollars: what the exits add, fixed costs apart. */
  fourEmails: CostLines;
  /** The same four-email exits with every invocation a cold start (a firm with a few exits). */
  fourEmailsAllCold: CostLines;
  twoYears: CostLines;
  /** The whole sequence: 14 emails with the default sequence. */
  full: CostLines;
  fixedMonthly: FixedMonthly;
  assumptions: {
    billedMsPerInvocation: ColdStartMs;
    activeDays: { fourEmails: number; twoYears: number; full: number };
    sesEventsPerEmail: number;
    platformLogBytes: number;
    /** Cold starts among invocations at `exitsPerMonth` (see `coldShareAt`). */
    coldShare: ColdShare;
    alarms: number;
    customMetrics: number;
    exitsPerMonth: number;
  };
}

const NO_SES_EVENT: SesEventCalls = {
  reads: 0,
  writes: 0,
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  logBytes: 0,
};

const lambdaCost = (invocations: number, billedMs: number) =>
  (invocations * PRICES.lambda.perMillionRequests) / 1e6 +
  ((invocations * billedMs) / 1000) * MEMORY_GB * PRICES.lambda.perGbSecondArm;
const secretReads = (reads: number) => (reads * PRICES.secretsManager.perTenThousandCalls) / 1e4;
const logCost = (bytes: number) =>
  (bytes / 1e9) * (PRICES.cloudWatch.logsPerGbIngested + PRICES.cloudWatch.logsPerGbMonthStored);
const dynamoCost = (writeUnits: number, readUnits: number) =>
  (writeUnits * PRICES.dynamodb.perMillionWriteUnits +
    readUnits * PRICES.dynamodb.perMillionReadUnits) /
  1e6;

interface LineInputs {
  counts: CallCounts;
  billedMs: ColdStartMs;
  reconcileReadUnitsPerDay: number;
  activeDays: number;
  sesEvent: SesEventCalls;
  sesEventsPerEmail: number;
  emfBytes: { web: number; sendStep: number; sesEvents: number };
  coldShare: ColdShare;
}

function lines(input: LineInputs): CostLines {
  const { counts, billedMs, sesEvent, emfBytes, coldShare } = input;
  // Billed ms of an average invocation: cold ones pay the start, warm ones only the work.
  const average = (cold: number, share: number) => share * cold + (1 - share) * HANDLER_MS;
  const { invocations } = counts;
  const events = counts.ses.sendEmail * input.sesEventsPerEmail;
  const logBytes =
    (counts.logBytes ?? 0) +
    invocations.web * (emfBytes.web + PLATFORM_LOG_BYTES) +
    invocations.sendStep * (emfBytes.sendStep + PLATFORM_LOG_BYTES) +
    events * (sesEvent.logBytes + emfBytes.sesEvents + PLATFORM_LOG_BYTES);
  const perExit = {
    ses: (counts.ses.sendEmail * PRICES.ses.perThousandEmails) / 1000,
    dynamodb: dynamoCost(
      counts.dynamodb.writeUnits + counts.dynamodb.indexWriteUnits,
      counts.dynamodb.readUnits,
    ),
    lambda:
      lambdaCost(invocations.web, average(billedMs.web, coldShare.web)) +
      lambdaCost(invocations.sendStep, average(billedMs.sendStep, coldShare.sendStep)),
    scheduler: (invocations.sendStep * PRICES.scheduler.perMillionInvocations) / 1e6,
    httpApi: (invocations.web * PRICES.httpApi.perMillionRequests) / 1e6,
    reconciler: dynamoCost(0, input.activeDays * input.reconcileReadUnitsPerDay),
    sesEvents:
      lambdaCost(events, average(billedMs.sesEvents, coldShare.sesEvents)) +
      events * dynamoCost(sesEvent.writeUnits + sesEvent.indexWriteUnits, sesEvent.readUnits),
    secrets: secretReads(
      invocations.web * coldShare.web +
        invocations.sendStep * coldShare.sendStep +
        events * coldShare.sesEvents,
    ),
    logs: logCost(logBytes),
    eventBridge: (events * PRICES.eventBridge.perMillionServiceEvents) / 1e6,
  };
  const per1000 = Object.fromEntries(
    Object.entries(perExit).map(([name, value]) => [name, round(value * 1000, 4)]),
  ) as Omit<CostLines, 'total'>;
  const total = round(Object.values(perExit).reduce((sum, value) => sum + value, 0) * 1000, 3);
  return { ...per1000, total };
}

/**
 * Hours a month in which a metric published by `events` spread events has data, when they can
 * only fall in `hours` hours of the month (CloudWatch bills a custom metric by the hour).
 */
const hoursWithData = (events: number, hours: number) => Math.min(events, hours, HOURS_PER_MONTH);

function fixedMonthly(
  calls: ApiCallsResult,
  billedMs: ColdStartMs,
  alarms: number,
  exitsPerMonth: number,
  sesEventsPerEmail: number,
): FixedMonthly {
  const metric = PRICES.cloudWatch.perMetricMonth / HOURS_PER_MONTH;
  const sends = exitsPerMonth * calls.fourEmails.ses.sendEmail;
  // Sends fall in the send hour of business days (about 22 a month; one hour a time zone);
  // webhooks and console pages in business hours; the reconciler once a day.
  const metricsAtVolume =
    metric *
    (hoursWithData(sends, 22) + // StepSent
      hoursWithData(exitsPerMonth, 22 * 10) + // Http2xx: the webhooks
      hoursWithData(sends * sesEventsPerEmail, HOURS_PER_MONTH) + // EmailEventRecorded
      2 * 30); // SchedulesRepaired and ExitsCompleted, published by every daily run
  const reconcilerRuns =
    30 *
    (lambdaCost(1, billedMs.reconcile) +
      secretReads(1) +
      PRICES.scheduler.perMillionInvocations / 1e6 +
      logCost(PLATFORM_LOG_BYTES + 2 * 300));
  const parts = {
    metricsAtVolume,
    alarms: alarms * PRICES.cloudWatch.perAlarmMonth,
    secret: PRICES.secretsManager.perSecretMonth,
    reconcilerRuns,
    deadLetterQueue: 0,
  };
  const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
  return {
    metricsUpTo: round(CUSTOM_METRICS.length * PRICES.cloudWatch.perMetricMonth, 2),
    metricsAtVolume: round(metricsAtVolume, 3),
    alarms: round(parts.alarms, 2),
    secret: parts.secret,
    reconcilerRuns: round(reconcilerRuns, 4),
    deadLetterQueue: 0,
    total: round(total, 3),
    per1000AtVolume: round((total / exitsPerMonth) * 1000, 3),
  };
}

export interface CostOptions {
  /** Alarm metrics in the stacks (counted from the synthesized templates). */
  alarms: number;
  exitsPerMonth?: number;
  sesEventsPerEmail?: number;
  /** Cold starts among invocations; `coldShareAt(exitsPerMonth, …)` unless given. */
  coldShare?: ColdShare;
}

export function costModel(
  calls: ApiCallsResult,
  coldStartMs: ColdStartMs,
  options: CostOptions,
): CostModel {
  const billed = (ms: number) => Math.ceil(ms + HANDLER_MS);
  const billedMsPerInvocation: ColdStartMs = {
    web: billed(coldStartMs.web),
    sendStep: billed(coldStartMs.sendStep),
    sesEvents: billed(coldStartMs.sesEvents),
    reconcile: billed(coldStartMs.reconcile),
  };
  const sesEventsPerEmail = options.sesEventsPerEmail ?? SES_EVENTS_PER_EMAIL;
  const exitsPerMonth = options.exitsPerMonth ?? STATED_EXITS_PER_MONTH;
  // A four-email exit is done (and completed by the reconciler) once its reminder is out.
  const activeDays = {
    fourEmails: 60,
    twoYears: calls.activeDays,
    full: calls.fullActiveDays ?? calls.activeDays,
  };
  const common = {
    billedMs: billedMsPerInvocation,
    reconcileReadUnitsPerDay: calls.reconcilePerRun.readUnits,
    sesEvent: calls.sesEvent ?? NO_SES_EVENT,
    sesEventsPerEmail,
    emfBytes: calls.emfBytesPerInvocation ?? { web: 0, sendStep: 0, sesEvents: 0 },
    coldShare: options.coldShare ?? coldShareAt(exitsPerMonth, calls.fourEmails.ses.sendEmail),
  };
  const fourEmails = { ...common, counts: calls.fourEmails, activeDays: activeDays.fourEmails };
  return {
    fourEmails: lines(fourEmails),
    fourEmailsAllCold: lines({ ...fourEmails, coldShare: ALL_COLD }),
    twoYears: lines({ ...common, counts: calls.twoYears, activeDays: activeDays.twoYears }),
    full: lines({ ...common, counts: calls.full ?? calls.twoYears, activeDays: activeDays.full }),
    fixedMonthly: fixedMonthly(
      calls,
      billedMsPerInvocation,
      options.alarms,
      exitsPerMonth,
      sesEventsPerEmail,
    ),
    assumptions: {
      billedMsPerInvocation,
      activeDays,
      sesEventsPerEmail,
      platformLogBytes: PLATFORM_LOG_BYTES,
      coldShare: common.coldShare,
      alarms: options.alarms,
      customMetrics: CUSTOM_METRICS.length,
      exitsPerMonth,
    },
  };
}

/** Why a four-email exit misses the cost goal, or undefined when it meets it. */
export function costGoalMissed(cost: CostModel): string | undefined {
  const { total, ses } = cost.fourEmails;
  if (total <= COST_GOAL_PER_1000) return undefined;
  return `modelled cost of 1,000 four-email exits $${total} exceeds the goal $${COST_GOAL_PER_1000} (SES $${ses} of it)`;
}
