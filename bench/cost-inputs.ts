import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../infra/cdk/bundling.js';
import type { Synthesized } from '../test/infra/support/synth.js';
import type { ColdStart } from './cold-start.js';
import type { ColdStartMs } from './cost.js';

/**
 * Alarm metrics in both stacks: CloudWatch bills a standard alarm per metric it watches, so an
 * alarm on a metric-math expression counts each metric the expression reads.
 */
export function countAlarms(synthesized: Pick<Synthesized, 'stateful' | 'stateless'>): number {
  let metrics = 0;
  for (const template of [synthesized.stateful, synthesized.stateless]) {
    const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<
      string,
      { Properties?: { Metrics?: { MetricStat?: unknown }[] } }
    >;
    for (const alarm of Object.values(alarms)) {
      const math = alarm.Properties?.Metrics;
      metrics += math ? math.filter((m) => m.MetricStat !== undefined).length : 1;
    }
  }
  return metrics;
}

/** Cold-start medians by function, as the cost model bills them. */
export function coldStartMs(coldStarts: ColdStart[]): ColdStartMs {
  const of = (name: string) => coldStarts.find((c) => c.name === name)?.bundleMs ?? 0;
  return {
    web: of('web'),
    sendStep: of('send-step'),
    sesEvents: of('ses-events'),
    reconcile: of('reconcile'),
  };
}

/**
 * The cold starts of the last full `npm run bench` (`bench/results.json`, committed): the cost
 * check and the cost-only run measure no times, so they bill what that run measured.
 */
export function recordedColdStartMs(): ColdStartMs {
  const file = join(PROJECT_ROOT, 'bench', 'results.json');
  if (!existsSync(file)) throw new Error('bench/results.json is missing: run `npm run bench` once');
  const { coldStarts } = JSON.parse(readFileSync(file, 'utf8')) as { coldStarts: ColdStart[] };
  return coldStartMs(coldStarts);
}
