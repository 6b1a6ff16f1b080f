import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../infra/cdk/bundling.js';
import { bundleOf, completer } from '../test/infra/support/import-bundle.js';
import { synthFarewell } from '../test/infra/support/synth.js';
import type { ApiCallsResult } from './api-calls.js';
import { naiveBundle, nodeModulesBuild, sdkBundled } from './baselines.js';
import type { Burst } from './burst.js';
import { type ColdStartTarget, measureColdStarts } from './cold-start.js';
import { costModel } from './cost.js';
import { coldStartMs, countAlarms } from './cost-inputs.js';
import { measureInitTimes } from './init-time.js';
import { PRICES } from './pricing.js';
import { measureReconcileScale } from './reconcile-scale.js';
import type { Rendering } from './rendering.js';
import { type Results, renderReport } from './report.js';
import { assetSizes, type BundleSize } from './sizes.js';
import { runSection } from './support/sections.js';
import { round } from './support/stats.js';
import type { Throughput } from './throughput.js';

/**
 * `npm run bench`: every measurement, each beside its baseline, in one run. Synthesizes the
 * stacks as `npm run synth` does (the bundles CDK would ship and the environment each function
 * gets), builds the baselines, then measures. Writes `bench/results.json` and `bench/results.md`
 * and puts the table in the README's Performance section. Numbers vary from run to run and
 * machine to machine; `npm run bench:check` compares init-time ratios and call counts.
 */

const README = join(PROJECT_ROOT, 'README.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const started = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
log('synthesizing the stacks (bundles every function)…');
const synthesized = synthFarewell({ full: true });
try {
  const stateless = synthesized.farewell.stateless.functions;
  const functions: [string, IConstruct][] = [
    ['web', stateless.web.function],
    ['send-step', stateless.sendStep.function],
    ['ses-events', stateless.sesEvents.function],
    ['reconcile', stateless.reconciler.function],
    ...completer(synthesized.farewell.stateful).map((fn): [string, IConstruct] => [
      'complete-secret',
      fn,
    ]),
  ];

  log('building the baselines…');
  const bundles: BundleSize[] = [];
  const targets: ColdStartTarget[] = [];
  for (const [name, fn] of functions) {
    const { dir, file, env } = bundleOf(fn, synthesized.outdir);
    const sizes = assetSizes(dir);
    const naive = await naiveBundle(name);
    const nodeModules = await nodeModulesBuild(name);
    const withSdk = await sdkBundled(name);
    bundles.push({ name, ...sizes, naiveBytes: naive.bytes, sdkBundledBytes: withSdk.bytes });
    targets.push({
      name,
      bundle: file,
      sdkBundled: withSdk.file,
      naive: naive.file,
      nodeModules: nodeModules.file,
      env,
      onDemand: Object.keys(sizes.files)
        .filter((f) => f !== 'index.mjs')
        .map((f) => join(dir, f)),
    });
  }

  log('cold starts (20 fresh processes per function and variant)…');
  const coldStarts = await measureColdStarts(targets);
  log('init times against an empty module (30 interleaved rounds)…');
  const initTimes = await measureInitTimes(
    targets.map((t) => ({ name: t.name, file: t.bundle, env: t.env })),
    30,
  );
  log('rendering…');
  const rendering = await runSection<Rendering>('rendering');
  log('local throughput (1,000 exits)…');
  const throughput = await runSection<Throughput>('throughput');
  log('AWS calls per exit…');
  const apiCalls = await runSection<ApiCallsResult>('api-calls');
  log('SES burst (2,000 steps due in one minute; alone: npx tsx bench/burst.ts)…');
  const burst = await runSection<Burst>('burst', 15 * 60_000);
  log('reconcile at 10k and 100k active exits (DynamoDB Local, about 4 minutes)…');
  const reconcileScale = await measureReconcileScale();

  const results: Results = {
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.versions.node,
      cpus: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
      loadAverage: [round(loadAtStart, 1), round(loadavg()[0] ?? 0, 1)],
    },
    durationSeconds: Math.round((performance.now() - started) / 1000),
    bundles,
    coldStarts,
    initTimes,
    rendering,
    throughput,
    apiCalls,
    burst,
    reconcileScale,
    cost: costModel(apiCalls, coldStartMs(coldStarts), { alarms: countAlarms(synthesized) }),
    prices: PRICES,
  };
  const report = renderReport(results);
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  writeFileSync(join(PROJECT_ROOT, 'bench', 'results.md'), report);
  const readme = readFileSync(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from >= 0 && to > from) {
    writeFileSync(README, `${readme.slice(0, from + START.length)}\n${report}${readme.slice(to)}`);
  } else {
    log(`README has no ${START} … ${END} markers; the table is in bench/results.md`);
  }
  process.stdout.write(report);
  log(`done in ${results.durationSeconds} s; wrote bench/results.json, bench/results.md`);
} finally {
  synthesized.remove();
}
