import type { ApiCallsResult, CallCounts } from './api-calls.js';
import { PRICES } from './pricing.js';
import { round } from './support/stats.js';

/**
 * Modelled cost of 1,000 exits from the counted calls and `PRICES`. Assumptions, stated in the
 * report too: every function invocation is a cold start (steps are days apart), billed for the
 * measured cold-start proxy plus `HANDLER_MS` of work at the functions' 512 MB; the status index
 * doubles the write units of exit items; the reconciler reads each active exit once a day.
 */
export const HANDLER_MS = 100;
const MEMORY_GB = 0.5;

export interface CostLines {
  ses: number;
  dynamodb: number;
  lambda: number;
  scheduler: number;
  httpApi: number;
  reconciler: number;
  total: number;
}

export interface CostModel {
  /** Per 1,000 exits, US dollars. */
  fourEmails: CostLines;
  twoYears: CostLines;
  assumptions: {
    billedMsPerInvocation: { web: number; sendStep: number };
    activeDays: { fourEmails: number; twoYears: number };
  };
}

function lines(
  counts: CallCounts,
  billedMs: { web: number; sendStep: number },
  reconcileReadUnitsPerDay: number,
  activeDays: number,
): CostLines {
  const { invocations } = counts;
  const gbSeconds =
    ((invocations.web * billedMs.web + invocations.sendStep * billedMs.sendStep) / 1000) *
    MEMORY_GB;
  const perExit = {
    ses: (counts.ses.sendEmail * PRICES.ses.perThousandEmails) / 1000,
    dynamodb:
      ((counts.dynamodb.writeUnits + counts.dynamodb.indexWriteUnits) *
        PRICES.dynamodb.perMillionWriteUnits +
        counts.dynamodb.readUnits * PRICES.dynamodb.perMillionReadUnits) /
      1e6,
    lambda:
      ((invocations.web + invocations.sendStep) * PRICES.lambda.perMillionRequests) / 1e6 +
      gbSeconds * PRICES.lambda.perGbSecondArm,
    scheduler: (invocations.sendStep * PRICES.scheduler.perMillionInvocations) / 1e6,
    httpApi: (invocations.web * PRICES.httpApi.perMillionRequests) / 1e6,
    reconciler: (activeDays * reconcileReadUnitsPerDay * PRICES.dynamodb.perMillionReadUnits) / 1e6,
  };
  const per1000 = Object.fromEntries(
    Object.entries(perExit).map(([name, value]) => [name, round(value * 1000, 4)]),
  ) as Omit<CostLines, 'total'>;
  const total = round(Object.values(perExit).reduce((sum, value) => sum + value, 0) * 1000, 3);
  return { ...per1000, total };
}

export function costModel(
  calls: ApiCallsResult,
  coldStartMs: { web: number; sendStep: number },
): CostModel {
  const billedMsPerInvocation = {
    web: Math.ceil(coldStartMs.web + HANDLER_MS),
    sendStep: Math.ceil(coldStartMs.sendStep + HANDLER_MS),
  };
  // A four-email exit is done (and completed by the reconciler) once its reminder is out.
  const activeDays = { fourEmails: 60, twoYears: calls.activeDays };
  const perDay = calls.reconcilePerRun.readUnits;
  return {
    fourEmails: lines(calls.fourEmails, billedMsPerInvocation, perDay, activeDays.fourEmails),
    twoYears: lines(calls.twoYears, billedMsPerInvocation, perDay, activeDays.twoYears),
    assumptions: { billedMsPerInvocation, activeDays },
  };
}
