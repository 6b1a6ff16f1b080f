import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../infra/cdk/bundle/build.js';
import { entryPath, PROJECT_ROOT } from '../infra/cdk/bundling.js';
import { synthFarewell } from '../test/infra/support/synth.js';
import type { ApiCallsResult, CallCounts } from './api-calls.js';
import { costGoalMissed, costModel } from './cost.js';
import { countAlarms, recordedColdStartMs } from './cost-inputs.js';
import { BUDGET_KIB } from './report.js';
import { runSection } from './support/sections.js';

/**
 * `npm run bench:check`: the performance budget, deterministic (sizes and counts, never times),
 * run by CI after the tests. Bundles every function exactly as CDK does (no synth needed), runs
 * one exit through the local stack for its AWS calls, and compares with `bench/budget.json`:
 * - a function's JavaScript (init, and on demand) may grow at most 10 % past its recorded size;
 * - no count or capacity figure of the calls per exit may rise above its recorded value;
 * - the modelled cost of 1,000 four-email exits (every service, `bench/cost.ts`, billed at the
 *   cold starts `bench/results.json` recorded) may not exceed the goal, $0.45.
 * `npm run bench:check -- --record` writes the current figures as the new budget, refusing an init
 * bundle over 450 KiB.
 */

const FUNCTIONS = ['web', 'send-step', 'ses-events', 'reconcile', 'complete-secret'] as const;
const GROWTH = 0.1;
const BUDGET_FILE = join(PROJECT_ROOT, 'bench', 'budget.json');

interface Budget {
  about: string;
  bundles: Record<string, { initBytes: number; onDemandBytes: number }>;
  callsPerExit: Record<string, number>;
}

/** Every count of a call record as `view.path`, floors and emails left out (they are not costs). */
function flatten(calls: ApiCallsResult): Record<string, number> {
  const flat: Record<string, number> = {};
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'number') flat[prefix] = value;
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(`${prefix}.${key}`, inner);
    }
  };
  for (const view of ['fourEmails', 'twoYears'] as const) {
    const { floor: _floor, emails: _emails, ...counts }: CallCounts = calls[view];
    walk(view, counts);
  }
  walk('reconcilePerRun', calls.reconcilePerRun);
  return flat;
}

interface Measured extends Omit<Budget, 'about'> {
  calls: ApiCallsResult;
}

async function measure(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'farewell-budget-'));
  try {
    const bundles: Budget['bundles'] = {};
    for (const name of FUNCTIONS) {
      const bundle = await bundleFunction(entryPath(name), join(dir, name));
      const bytes = (loaded: 'init' | 'on-demand') =>
        bundle.files.filter((f) => f.loaded === loaded).reduce((sum, f) => sum + f.bytes, 0);
      bundles[name] = { initBytes: bytes('init'), onDemandBytes: bytes('on-demand') };
    }
    const calls = await runSection<ApiCallsResult>('api-calls');
    return { bundles, callsPerExit: flatten(calls), calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const current = await measure();

if (process.argv.includes('--record')) {
  const over = Object.entries(current.bundles).filter(([, b]) => b.initBytes > BUDGET_KIB * 1024);
  if (over.length > 0) {
    console.error(
      `Not recorded: over ${BUDGET_KIB} KiB at init: ${over.map(([n]) => n).join(', ')}`,
    );
    process.exit(1);
  }
  const budget: Budget = {
    about:
      'Recorded by `npm run bench:check -- --record`. Bundles may grow 10 % past these bytes; calls per exit may not rise at all.',
    bundles: current.bundles,
    callsPerExit: current.callsPerExit,
  };
  writeFileSync(BUDGET_FILE, `${JSON.stringify(budget, null, 2)}\n`);
  console.log(`Recorded the budget in ${BUDGET_FILE}`);
  process.exit(0);
}

const budget = JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as Budget;
const failures: string[] = [];
const lines: string[] = [];
for (const name of FUNCTIONS) {
  const now = current.bundles[name];
  const recorded = budget.bundles[name];
  if (!now || !recorded) {
    failures.push(`${name}: no recorded budget`);
    continue;
  }
  for (const kind of ['initBytes', 'onDemandBytes'] as const) {
    const limit = Math.floor(recorded[kind] * (1 + GROWTH));
    const ok = now[kind] <= limit;
    lines.push(
      `${ok ? 'ok  ' : 'FAIL'} ${name} ${kind === 'initBytes' ? 'init' : 'on demand'}: ${now[kind]} bytes (budget ${recorded[kind]}, limit ${limit})`,
    );
    if (!ok) failures.push(`${name} ${kind} grew more than 10 %`);
  }
}
for (const [figure, recorded] of Object.entries(budget.callsPerExit)) {
  const now = current.callsPerExit[figure];
  const ok = now !== undefined && now <= recorded;
  if (!ok) failures.push(`${figure}: ${now ?? 'missing'} (recorded ${recorded})`);
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${figure}: ${now ?? 'missing'} (recorded ${recorded})`);
}
const synthesized = synthFarewell({ full: false });
let alarms: number;
try {
  alarms = countAlarms(synthesized);
} finally {
  synthesized.remove();
}
const cost = costModel(current.calls, recordedColdStartMs(), { alarms });
const missed = costGoalMissed(cost);
if (missed) failures.push(missed);
lines.push(
  `${missed ? 'FAIL' : 'ok  '} cost of 1,000 four-email exits: $${cost.fourEmails.total} (goal $0.45, SES $${cost.fourEmails.ses})`,
);
console.log(lines.join('\n'));
if (failures.length > 0) {
  console.error(
    `\nPerformance budget exceeded:\n  ${failures.join('\n  ')}\n${missed ? 'The cost goal cannot be recorded away: see the cost lines of `npx tsx bench/cost-run.ts`.\n' : ''}If the growth is intended, record a new budget: npm run bench:check -- --record`,
  );
  process.exit(1);
}
console.log('\nPerformance budget: within every recorded figure.');
