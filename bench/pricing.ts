/**
 * AWS list prices used by the cost model: region us-east-1, on-demand, free tiers left out.
 * Checked on 2026-11-21 against the pages below. The pages fill in most rates client-side, so
 * re-read them before relying on a figure, and update `checkedOn` with the numbers.
 */
export const PRICES = {
  region: 'us-east-1',
  checkedOn: '2026-11-21',
  lambda: {
    source: 'https://aws.amazon.com/lambda/pricing/',
    perMillionRequests: 0.2,
    /** Arm (Graviton), first 7.5 billion GB-seconds a month. */
    perGbSecondArm: 0.000_013_333_4,
  },
  dynamodb: {
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
    perGbMonth: 0.25,
  },
  scheduler: {
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    /** After 14 million free invocations a month; schedule API calls are not charged. */
    perMillionInvocations: 1.0,
  },
  ses: {
    source: 'https://aws.amazon.com/ses/pricing/',
    perThousandEmails: 0.1,
  },
  httpApi: {
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    /** HTTP APIs, first 300 million requests a month. */
    perMillionRequests: 1.0,
  },
} as const;
