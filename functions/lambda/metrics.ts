import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Namespace and service come from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME, which
 * the CDK sets per stage (`farewell-<stage>`), so two stages in one account count apart. A value
 * given here would win over them (Powertools prefers its constructor options), so these are
 * only the fallbacks for where nothing sets them (local runs, tests).
 */
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'Farewell',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'farewell',
});

/** Counts to publish for one invocation, by metric name. */
export type Counts = Record<string, number>;

/**
 * Wraps a handler so each invocation publishes the counts its result maps to (CloudWatch embedded
 * metric format, one log line: no API call), and an `Error` count when it throws.
 */
export function withMetrics<E, R>(
  handler: (event: E) => Promise<R>,
  counts: (result: R) => Counts,
): (event: E) => Promise<R> {
  return async (event) => {
    try {
      const result = await handler(event);
      for (const [name, value] of Object.entries(counts(result))) {
        metrics.addMetric(name, MetricUnit.Count, value);
      }
      return result;
    } catch (error) {
      metrics.addMetric('Error', MetricUnit.Count, 1);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** `no-op` → `NoOp`, `unknown-exit` → `UnknownExit`. */
export function metricName(prefix: string, outcome: string): string {
  return prefix + outcome.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
