/**
 * AWS list prices used by the cost model: region us-east-1 (US East, N. Virginia), on-demand,
 * free tiers left out. Each price names the page it comes from and the day it was checked
 * (`checkedOn`, per service). The pricing pages fill in most rates client-side, so re-read them
 * before relying on a figure, and update the date with the numbers.
 */
export const PRICES = {
  region: 'us-east-1',
  checkedOn: '2026-12-03',
  lambda: {
    source: 'https://aws.amazon.com/lambda/pricing/',
    checkedOn: '2026-11-21',
    perMillionRequests: 0.2,
    /** Arm (Graviton), first 7.5 billion GB-seconds a month. */
    perGbSecondArm: 0.000_013_333_4,
  },
  dynamodb: {
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checkedOn: '2026-11-21',
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
    perGbMonth: 0.25,
  },
  scheduler: {
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    checkedOn: '2026-11-21',
    /** After 14 million free invocations a month; schedule API calls are not charged. */
    perMillionInvocations: 1.0,
  },
  eventBridge: {
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    checkedOn: '2026-12-03',
    /**
     * Events AWS services put on the default bus (SES's configuration-set events are such) are
     * free, rule matching and delivery to a Lambda target included; only custom events (our own
     * PutEvents, which Farewell never makes) cost $1.00 a million.
     */
    perMillionServiceEvents: 0,
    perMillionCustomEvents: 1.0,
  },
  ses: {
    source: 'https://aws.amazon.com/ses/pricing/',
    checkedOn: '2026-11-21',
    /** Outbound email; publishing its events to EventBridge adds no SES charge. */
    perThousandEmails: 0.1,
  },
  httpApi: {
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    checkedOn: '2026-11-21',
    /** HTTP APIs, first 300 million requests a month. */
    perMillionRequests: 1.0,
  },
  secretsManager: {
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    checkedOn: '2026-12-03',
    perSecretMonth: 0.4,
    perTenThousandCalls: 0.05,
  },
  cloudWatch: {
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checkedOn: '2026-12-03',
    /** Logs, Standard log class: ingestion (uncompressed bytes) and archive storage. */
    logsPerGbIngested: 0.5,
    logsPerGbMonthStored: 0.03,
    /** Custom metrics (EMF included), first 10,000 a month: per metric (name + dimensions). */
    perMetricMonth: 0.3,
    /** Standard-resolution alarm, per alarm metric and month. */
    perAlarmMonth: 0.1,
  },
  sqs: {
    source: 'https://aws.amazon.com/sqs/pricing/',
    checkedOn: '2026-12-03',
    /** Standard queue, per million requests after the first million a month. */
    perMillionRequests: 0.4,
  },
} as const;
