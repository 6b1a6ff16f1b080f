import { describe, expect, it } from 'vitest';
import type { ApiCallsResult, CallCounts } from '../../bench/api-calls.js';
import {
  ALL_COLD,
  COST_GOAL_PER_1000,
  type CostLines,
  coldShareAt,
  costGoalMissed,
  costModel,
  PLATFORM_LOG_BYTES,
  SES_EVENTS_PER_EMAIL,
} from '../../bench/cost.js';
import { PRICES } from '../../bench/pricing.js';

/** A four-email exit with round figures, so each line can be worked out by hand. */
function counts(emails: number): CallCounts {
  return {
    emails,
    invocations: { web: 1, sendStep: emails },
    dynamodb: {
      reads: emails,
      writes: 2 * emails + 1,
      readUnits: 10,
      writeUnits: 20,
      indexWriteUnits: 20,
      byOperation: {},
    },
    ses: { sendEmail: emails },
    scheduler: { create: emails, update: 0, delete: 0, get: 0, list: 0 },
    floor: { sends: emails, scheduleCreates: emails, writes: 2 * emails + 1, invocations: 5 },
    logBytes: 1000,
  };
}

const CALLS: ApiCallsResult = {
  fourEmails: counts(4),
  twoYears: counts(7),
  full: counts(14),
  reconcilePerRun: { dynamodbReads: 1, readUnits: 1, schedulerList: 0 },
  activeDays: 760,
  fullActiveDays: 2220,
  exitItemWriteUnits: 3,
  sesEvent: {
    reads: 1,
    writes: 1,
    readUnits: 2,
    writeUnits: 4,
    indexWriteUnits: 4,
    logBytes: 200,
  },
  emfBytesPerInvocation: { web: 100, sendStep: 100, sesEvents: 100 },
};
const COLD = { web: 200, sendStep: 200, sesEvents: 200, reconcile: 200 };
/** One SES event per email, so the ses-events lines are easy to check. */
const model = costModel(CALLS, COLD, {
  alarms: 10,
  exitsPerMonth: 1000,
  sesEventsPerEmail: 1,
  coldShare: ALL_COLD,
});
const four = model.fourEmails;

/** Per 1,000 exits, to the model's rounding. */
const per1000 = (perExit: number) => Math.round(perExit * 1000 * 10_000) / 10_000;
const gbSeconds = (invocations: number) => ((invocations * 300) / 1000) * 0.5;

describe('cost model', () => {
  it('counts every service a four-email exit uses, each from its own figures', () => {
    const lambda = (invocations: number) =>
      (invocations * PRICES.lambda.perMillionRequests) / 1e6 +
      gbSeconds(invocations) * PRICES.lambda.perGbSecondArm;
    const dynamo = (write: number, read: number) =>
      (write * PRICES.dynamodb.perMillionWriteUnits + read * PRICES.dynamodb.perMillionReadUnits) /
      1e6;
    const logged = 1000 + 5 * (100 + PLATFORM_LOG_BYTES) + 4 * (200 + 100 + PLATFORM_LOG_BYTES);
    const expected: Omit<CostLines, 'total'> = {
      ses: per1000(4 * (PRICES.ses.perThousandEmails / 1000)),
      dynamodb: per1000(dynamo(40, 10)),
      lambda: per1000(lambda(5)),
      scheduler: per1000((4 * PRICES.scheduler.perMillionInvocations) / 1e6),
      httpApi: per1000(PRICES.httpApi.perMillionRequests / 1e6),
      reconciler: per1000(dynamo(0, 60 * 1)),
      sesEvents: per1000(lambda(4) + 4 * dynamo(8, 2)),
      secrets: per1000((9 * PRICES.secretsManager.perTenThousandCalls) / 1e4),
      logs: per1000(
        (logged / 1e9) *
          (PRICES.cloudWatch.logsPerGbIngested + PRICES.cloudWatch.logsPerGbMonthStored),
      ),
      eventBridge: 0,
    };
    const { total, ...lines } = four;
    expect(lines).toEqual(expected);
    for (const [name, value] of Object.entries(lines)) {
      if (name !== 'eventBridge') expect(value, name).toBeGreaterThan(0);
    }
    const sum = Object.values(lines).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(sum, 2);
  });

  it('bills a warm send only its work and no secret read, and reports the all-cold worst case', () => {
    // 1,000 four-email exits a month: 4,000 sends, at most 10 environments in each of 66 windows.
    expect(coldShareAt(1000, 4)).toEqual({ web: 1, sendStep: 0.165, sesEvents: 1 });
    expect(coldShareAt(100, 4).sendStep).toBe(1);
    const atVolume = costModel(CALLS, COLD, {
      alarms: 10,
      exitsPerMonth: 1000,
      sesEventsPerEmail: 1,
    });
    expect(atVolume.assumptions.coldShare.sendStep).toBeCloseTo(0.165, 6);
    const reads = 1 + 4 * 0.165 + 4;
    expect(atVolume.fourEmails.secrets).toBeCloseTo(
      per1000((reads * PRICES.secretsManager.perTenThousandCalls) / 1e4),
      4,
    );
    expect(atVolume.fourEmails.lambda).toBeLessThan(four.lambda);
    expect(atVolume.fourEmailsAllCold).toEqual(four);
  });

  it('reports the full sequence from its own counts', () => {
    expect(model.full.ses).toBeCloseTo(1.4, 6);
    expect(model.full.total).toBeGreaterThan(model.twoYears.total);
    expect(model.assumptions.activeDays.full).toBe(2220);
  });

  it('keeps the costs that do not grow with exits apart, per month, shared at the stated volume', () => {
    const fixed = model.fixedMonthly;
    expect(fixed.alarms).toBeCloseTo(10 * PRICES.cloudWatch.perAlarmMonth, 6);
    expect(fixed.secret).toBe(PRICES.secretsManager.perSecretMonth);
    expect(fixed.metricsUpTo).toBeCloseTo(17 * PRICES.cloudWatch.perMetricMonth, 6);
    expect(fixed.metricsAtVolume).toBeGreaterThan(0);
    expect(fixed.metricsAtVolume).toBeLessThan(fixed.metricsUpTo);
    expect(fixed.per1000AtVolume).toBeCloseTo(fixed.total, 3);
  });

  it('runs ses-events only for the event types the configuration set publishes (no deliveries)', () => {
    expect(SES_EVENTS_PER_EMAIL).toBeCloseTo(0.051, 6);
    const subscribed = costModel(CALLS, COLD, { alarms: 10 });
    expect(subscribed.fourEmails.sesEvents).toBeLessThan(four.sesEvents / 10);
  });

  it('says when a four-email exit misses the goal, and by how much', () => {
    const cheap = costModel(
      { ...CALLS, fourEmails: { ...counts(4), ses: { sendEmail: 3 } } },
      COLD,
      { alarms: 10, sesEventsPerEmail: 0 },
    );
    expect(cheap.fourEmails.total).toBeLessThanOrEqual(COST_GOAL_PER_1000);
    expect(costGoalMissed(cheap)).toBeUndefined();
    const dear = costModel(
      { ...CALLS, fourEmails: { ...counts(4), ses: { sendEmail: 5 } } },
      COLD,
      { alarms: 10, sesEventsPerEmail: 1 },
    );
    expect(dear.fourEmails.total).toBeGreaterThan(COST_GOAL_PER_1000);
    expect(costGoalMissed(dear)).toMatch(/exceeds the goal \$0\.45/);
  });
});
