import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../infra/cdk/bundling.js';
import { bundleOf, completer } from '../test/infra/support/import-bundle.js';
import { synthFarewell } from '../test/infra/support/synth.js';
import type { ApiCallsResult, CallCounts } from './api-calls.js';
import { costGoalMissed, costModel } from './cost.js';
import { countAlarms, recordedColdStartMs } from './cost-inputs.js';
import { checkInitTimes, type InitTime, measureInitTimes } from './init-time.js';
import { assetSizes } from './sizes.js';
import { runSection } from './support/sections.js';

/**
 * `npm run bench:check`: the performance budget, run by CI after the tests. Synthesizes the
 * stacks as `npm run synth` does (every function bundled exactly as it ships, with the
 * environment its template gives it), then compares with `bench/budget.json`:
 * - init time: each function's import in a fresh Node process, as a ratio to an empty module
 *   imported in the same run, interleaved (`init-time.ts`); a ratio may rise at most 15 % past
 *   its recorded one. A ratio, not milliseconds: the machine's speed and load cancel out.
 *   Bundle bytes are printed as information only: what costs a cold start is time.
 * - calls per exit (one exit through the local stack): no count or capacity figure may rise
 *   above its recorded value.
 * `--record` writes the current figures as the new budget; `--record=init` only the init part.
 * `--init-only` checks init times alone (no local stack); `--rounds=N` sets the rounds (30).
 */

const DEFAULT_ROUNDS = 30;
const BUDGET_FILE = join(PROJECT_ROOT, 'bench', 'budget.json');

interface Budget {
  about: string;
  /** Per function: the median ratio of its import time to an empty module's, and ms over it. */
  init: Record<string, { ratio: number; overheadMs: number }>;
  callsPerExit: Record<string, number>;
  /** Modelled cost of 1,000 four-email exits (`bench/cost.ts`), US dollars. */
  costPer1000FourEmails?: number;
}

/** How far the modelled cost may rise past the recorded one before the check fails. */
const COST_GROWTH = 0.02;

const ABOUT =
  "Recorded by `npm run bench:check -- --record`. A function's init-time ratio (its import over an empty module's, same run) may rise 15 % past the recorded one; overheadMs is information. Calls per exit may not rise at all; the modelled cost of 1,000 four-email exits may rise 2 %.";

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

const arg = (name: string) => process.argv.find((a) => a === name || a.startsWith(`${name}=`));
const record = arg('--record');
const initOnly = arg('--init-only') !== undefined || record === '--record=init';
const rounds = Number(arg('--rounds')?.split('=')[1] ?? DEFAULT_ROUNDS);

/** Every function as it ships: init times against an empty module, bytes as information. */
async function measureInit(): Promise<{
  init: InitTime[];
  bytes: Record<string, number>;
  alarms: number;
}> {
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
    const bytes: Record<string, number> = {};
    const targets = functions.map(([name, fn]) => {
      const { dir, file, env } = bundleOf(fn, synthesized.outdir);
      bytes[name] = assetSizes(dir).initBytes;
      return { name, file, env };
    });
    const init = await measureInitTimes(targets, rounds, (done) =>
      process.stderr.write(`\rinit times: round ${done}/${rounds}`),
    );
    process.stderr.write('\n');
    return { init, bytes, alarms: countAlarms(synthesized) };
  } finally {
    synthesized.remove();
  }
}

const measured = await measureInit();
const calls = initOnly ? undefined : await runSection<ApiCallsResult>('api-calls');
const cost = calls
  ? costModel(calls, recordedColdStartMs(), { alarms: measured.alarms })
  : undefined;
const current: Omit<Budget, 'about'> = {
  init: Object.fromEntries(
    measured.init.map((t) => [t.name, { ratio: t.ratio, overheadMs: t.overheadMs }]),
  ),
  callsPerExit: calls ? flatten(calls) : {},
  ...(cost ? { costPer1000FourEmails: cost.fourEmails.total } : {}),
};
const budget = JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as Partial<Budget>;

if (record) {
  const recorded: Budget = {
    about: ABOUT,
    init: current.init,
    callsPerExit: record === '--record=init' ? (budget.callsPerExit ?? {}) : current.callsPerExit,
    ...((record === '--record=init' ? budget : current).costPer1000FourEmails !== undefined
      ? {
          costPer1000FourEmails: (record === '--record=init' ? budget : current)
            .costPer1000FourEmails,
        }
      : {}),
  };
  writeFileSync(BUDGET_FILE, `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(`Recorded the budget in ${BUDGET_FILE}`);
  process.exit(0);
}

const { lines, failures } = checkInitTimes(measured.init, budget.init, measured.bytes);
for (const [figure, recorded] of Object.entries(initOnly ? {} : (budget.callsPerExit ?? {}))) {
  const now = current.callsPerExit[figure];
  const ok = now !== undefined && now <= recorded;
  if (!ok) failures.push(`${figure}: ${now ?? 'missing'} (recorded ${recorded})`);
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${figure}: ${now ?? 'missing'} (recorded ${recorded})`);
}
if (cost) {
  const now = cost.fourEmails.total;
  const recorded = budget.costPer1000FourEmails;
  const ok = recorded === undefined || now <= recorded * (1 + COST_GROWTH);
  if (!ok) failures.push(`cost of 1,000 four-email exits: $${now} (recorded $${recorded})`);
  // The goal is reported, not enforced: a miss is work for an issue, and says so in the report.
  const goal = costGoalMissed(cost) ? 'goal $0.45 missed' : 'goal $0.45 met';
  lines.push(
    `${ok ? 'ok  ' : 'FAIL'} cost of 1,000 four-email exits: $${now} (recorded $${recorded ?? '–'}; ${goal}; SES $${cost.fourEmails.ses}; every invocation cold $${cost.fourEmailsAllCold.total})`,
  );
}
console.log(lines.join('\n'));
if (failures.length > 0) {
  console.error(
    `\nPerformance budget exceeded:\n  ${failures.join('\n  ')}\nIf the growth is intended, record a new budget: npm run bench:check -- --record`,
  );
  process.exit(1);
}
console.log('\nPerformance budget: within every recorded figure.');
