import type { ApiCallsResult, CallCounts } from './api-calls.js';
import { BURST_HEAD, type Burst, burstRows } from './burst.js';
import type { ColdStart } from './cold-start.js';
import { COST_GOAL_PER_1000, type CostLines, type CostModel } from './cost.js';
import type { InitTime } from './init-time.js';
import { PRICES } from './pricing.js';
import type { ReconcileScale } from './reconcile-scale.js';
import type { Rendering } from './rendering.js';
import type { BundleSize } from './sizes.js';
import { kib, round } from './support/stats.js';
import type { Throughput } from './throughput.js';

export { COST_GOAL_PER_1000 };
export const COLD_START_GOAL_MS = 50;
/** Issue 12: import overhead over an empty module, ms, on the bench machine. */
export const INIT_OVERHEAD_GOAL_MS: Record<string, number> = { 'send-step': 60, web: 80 };

export interface Results {
  generatedAt: string;
  environment: { node: string; cpus: number; cpu: string; loadAverage: [number, number] };
  durationSeconds: number;
  bundles: BundleSize[];
  coldStarts: ColdStart[];
  /** Init time against an empty module (`init-time.ts`); absent in results from before it. */
  initTimes?: InitTime[];
  rendering: Rendering;
  throughput: Throughput;
  apiCalls: ApiCallsResult;
  /** Absent in results recorded before the burst section existed. */
  burst?: Burst;
  reconcileScale?: ReconcileScale;
  cost: CostModel;
  prices: typeof PRICES;
}

const n = (value: number) => value.toLocaleString('en-US');
const dollars = (value: number) => `$${value.toFixed(value < 0.01 ? 4 : 3)}`;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function callRows(calls: ApiCallsResult): (string | number)[][] {
  const pair = (pick: (c: CallCounts) => string | number) => [
    pick(calls.fourEmails),
    pick(calls.twoYears),
    pick(calls.full ?? calls.twoYears),
  ];
  const d = (c: CallCounts) => c.dynamodb;
  return [
    ['emails sent', ...pair((c) => c.emails)],
    [
      'SES SendEmail (floor: one per email)',
      ...pair((c) => `${c.ses.sendEmail} (${c.floor.sends})`),
    ],
    [
      'Scheduler create / update / delete (floor: one create per scheduled step)',
      ...pair(
        (c) =>
          `${c.scheduler.create} / ${c.scheduler.update} / ${c.scheduler.delete} (${c.floor.scheduleCreates} / 0 / 0)`,
      ),
    ],
    [
      'DynamoDB writes (floor: one per state change)',
      ...pair((c) => `${d(c).writes} (${c.floor.writes})`),
    ],
    [
      'DynamoDB write units: table + status index (modelled)',
      ...pair((c) => `${d(c).writeUnits} + ${d(c).indexWriteUnits}`),
    ],
    ['DynamoDB reads / read units', ...pair((c) => `${d(c).reads} / ${d(c).readUnits}`)],
    [
      'function invocations: web + send-step (floor: 1 + one per email)',
      ...pair((c) => `${c.invocations.web} + ${c.invocations.sendStep} (${c.floor.invocations})`),
    ],
    [
      'bytes logged by those invocations at INFO (EMF and platform lines apart)',
      ...pair((c) => n(c.logBytes ?? 0)),
    ],
  ];
}

function costRows(cost: CostModel): (string | number)[][] {
  const names: [keyof CostLines, string][] = [
    ['ses', 'SES'],
    ['dynamodb', 'DynamoDB (table + status index)'],
    ['lambda', 'Lambda web + send-step (requests + arm64 GB-s)'],
    ['scheduler', 'EventBridge Scheduler'],
    ['httpApi', 'API Gateway HTTP API'],
    ['reconciler', 'daily reconciler reads'],
    ['sesEvents', 'ses-events (invocations + DynamoDB)'],
    ['secrets', 'Secrets Manager (a read per cold start)'],
    ['logs', 'CloudWatch Logs (ingestion + a month stored)'],
    ['eventBridge', 'EventBridge (SES events on the default bus)'],
  ];
  return [
    ...names.map(([key, label]) => [
      label,
      dollars(cost.fourEmails[key]),
      dollars(cost.twoYears[key]),
      dollars(cost.full[key]),
    ]),
    [
      `**total** (goal ≤ $${COST_GOAL_PER_1000} for four-email exits)`,
      `**${dollars(cost.fourEmails.total)}** ${cost.fourEmails.total <= COST_GOAL_PER_1000 ? '(met)' : '(**missed**)'}`,
      `**${dollars(cost.twoYears.total)}**`,
      `**${dollars(cost.full.total)}**`,
    ],
  ];
}

/** The AWS calls per exit and the modelled cost: the part `bench/cost-run.ts` prints alone. */
export function renderCost(apiCalls: ApiCallsResult, cost: CostModel): string {
  const a = cost.assumptions;
  const f = cost.fixedMonthly;
  const b = a.billedMsPerInvocation;
  const ses = apiCalls.sesEvent;
  return [
    `**AWS calls per exit** (measured on the local stack; the floor in brackets). A four-email exit: notice, thank-you, survey, reminder. Two years: the same exit with its first three check-ins. Full: the whole sequence until the exit completes (${apiCalls.full?.emails ?? '–'} emails, ${a.activeDays.full} days).`,
    '',
    table(['', 'four-email exit', 'two years', 'full sequence'], callRows(apiCalls)),
    '',
    ses
      ? `One SES event through ses-events (the real handler on the same table, one per email): ${ses.reads} reads / ${ses.readUnits} read units, ${ses.writes} writes / ${ses.writeUnits} + ${ses.indexWriteUnits} write units (table + status index), ${n(ses.logBytes)} bytes logged. EMF line per invocation: ${apiCalls.emfBytesPerInvocation?.sendStep ?? 0} bytes (send-step). Lambda platform lines: ${a.platformLogBytes} bytes per cold invocation.`
      : '',
    '',
    `**Modelled cost per 1,000 exits** (${PRICES.region}; list prices and their sources in \`bench/pricing.ts\`, checked up to ${PRICES.checkedOn}; free tiers left out). A cold start is billed at the cold-start proxy plus 100 ms at 512 MB (web ${b.web} ms, send-step ${b.sendStep} ms, ses-events ${b.sesEvents} ms) and reads the secret once; a warm invocation bills 100 ms and reads nothing. Every webhook and SES event is taken as cold; of the sends, ${round(a.coldShare.sendStep * 100, 1)} % at ${n(a.exitsPerMonth)} exits a month (each of 66 send windows a month, 20 minutes on 22 business mornings in 3 time zones, starts at most 10 environments, the reserved concurrency). With every invocation cold (a firm with a handful of exits), 1,000 four-email exits cost $${cost.fourEmailsAllCold.total}, of which secret reads $${cost.fourEmailsAllCold.secrets}. ses-events runs ${round(a.sesEventsPerEmail, 3)} times per email sent: the event types the configuration set publishes (bounces at most 5 %, complaints at most 0.1 %, SES's review thresholds). The dead-letter queue costs only on failures.`,
    '',
    table(['', 'four-email exit', 'two years', 'full sequence'], costRows(cost)),
    '',
    `**Fixed per month** (whatever the number of exits): ${a.customMetrics} custom metrics (EMF, billed by the hour they have data): at most $${f.metricsUpTo}, about $${f.metricsAtVolume} at ${n(a.exitsPerMonth)} exits a month; alarms watching ${a.alarms} metrics $${f.alarms}; the secret $${f.secret}; the daily reconciler run $${f.reconcilerRuns}; dead-letter queue $0 unless something fails. Total about $${f.total} a month: $${f.per1000AtVolume} per 1,000 exits at ${n(a.exitsPerMonth)} exits a month, on top of the table.`,
  ].join('\n');
}

/** Init ms per function against an empty module imported in the same run (the budget's measure). */
function initSection(times: InitTime[] | undefined): string[] {
  if (!times || times.length === 0) return [];
  return [
    `**Init time** (each function's import in a fresh Node process, from process start to the import settled, against an empty module imported just before it with the same environment; medians over ${times[0]?.rounds ?? 0} interleaved rounds. \`npm run bench:check\` fails when a ratio rises more than 15 % past \`bench/budget.json\`):`,
    '',
    table(
      [
        'function',
        'ms over an empty module (goal)',
        'ratio to an empty module',
        'ms',
        'empty module ms',
      ],
      times.map((t) => {
        const goal = INIT_OVERHEAD_GOAL_MS[t.name];
        const met =
          goal === undefined ? '' : ` (≤ ${goal}: ${t.overheadMs <= goal ? 'met' : '**not met**'})`;
        return [t.name, `${t.overheadMs}${met}`, `${t.ratio} ×`, t.medianMs, t.emptyMs];
      }),
    ),
    '',
  ];
}

/** The Markdown the README shows and `bench/results.md` keeps. */
export function renderReport(results: Results): string {
  const { bundles, coldStarts, rendering, throughput, apiCalls, cost } = results;
  const cold = new Map(coldStarts.map((c) => [c.name, c]));
  const sections = [
    `Measured ${results.generatedAt.slice(0, 10)} on ${results.environment.cpus} × ${results.environment.cpu}, Node ${results.environment.node}; \`npm run bench\` took ${Math.round(results.durationSeconds)} s. One-minute load average ${results.environment.loadAverage[0]} at the start, ${results.environment.loadAverage[1]} at the end: times on a busy machine run high.`,
    '',
    `**Bundles** (KiB of JavaScript per function; init is \`index.mjs\`, parsed at every cold start, the AWS SDK inside; on demand is read at first use: holiday library, templates). Information only: the budget is init time, below.`,
    '',
    table(
      ['function', 'init', 'on demand', 'naive bundle', "ours with the runtime's SDK"],
      bundles.map((b) => [
        b.name,
        kib(b.initBytes),
        kib(b.onDemandBytes),
        n(kib(b.naiveBytes)),
        kib(b.sdkBundledBytes),
      ]),
    ),
    '',
    `**Cold-start proxy** (median ms to import the function in a fresh Node process, ${coldStarts[0]?.runs ?? 0} runs each, with the environment its template gives it; goal ≤ ${COLD_START_GOAL_MS} ms): our bundle (the AWS SDK inside), the same bundle with the runtime's SDK on \`NODE_PATH\`, the naive bundle, and our code loading every package from node_modules. On-demand files: median ms to \`require\` each at first use.`,
    '',
    table(
      [
        'function',
        'ours (p90)',
        "ours, runtime's SDK",
        'naive bundle',
        'node_modules',
        'on-demand files',
      ],
      bundles.map((b) => {
        const c = cold.get(b.name);
        if (!c) return [b.name, '–', '–', '–', '–', '–'];
        const files = Object.entries(c.onDemandMs)
          .map(([file, ms]) => `${file.replace(/\.cjs$/, '')} ${ms}`)
          .join(', ');
        return [
          b.name,
          `${c.bundleMs} (${c.bundleP90Ms})`,
          c.sdkBundledMs,
          c.naiveMs,
          c.nodeModulesMs,
          files || '–',
        ];
      }),
    ),
    '',
    ...initSection(results.initTimes),
    `**Rendering** (the ${rendering.emails} emails with sample data, per email):`,
    '',
    table(
      ['templates', 'first render (fresh templates)', 'warm render'],
      [
        [
          'precompiled at build time (ours)',
          `${rendering.precompiled.firstRenderMs} ms`,
          `${rendering.precompiled.perEmailUs} µs`,
        ],
        [
          '`Handlebars.compile` at run time',
          `${rendering.compiledAtRunTime.firstRenderMs} ms`,
          `${rendering.compiledAtRunTime.perEmailUs} µs`,
        ],
      ],
    ),
    '',
    `**Local throughput** (${n(throughput.exits)} signed \`exit.requested\` webhooks, concurrency ${throughput.concurrency}, local stack in one process on 127.0.0.1):`,
    '',
    table(
      ['accepted', 'exits/s', 'p50', 'p99', 'every notice in the SES store', 'peak RSS'],
      [
        [
          n(throughput.accepted),
          throughput.acceptedPerSecond,
          `${throughput.p50Ms} ms`,
          `${throughput.p99Ms} ms`,
          throughput.allNoticesMs === undefined
            ? `not within the deadline (${n(throughput.noticesDelivered)} delivered)`
            : `${(throughput.allNoticesMs / 1000).toFixed(1)} s`,
          `${throughput.peakRssMb} MB`,
        ],
      ],
    ),
    '',
    renderCost(apiCalls, cost),
    '',
    ...(results.burst
      ? [
          `**SES burst** (${n(results.burst.options.steps)} steps due in the same minute; local SES answers 429 above ${results.burst.options.perSecond} sends/s; clock ${results.burst.options.scale}× real time; \`test/stress/faults/ses-burst.test.ts\`):`,
          '',
          table(BURST_HEAD, burstRows([results.burst])),
          '',
        ]
      : []),
    ...reconcileScaleSection(results.reconcileScale),
  ];
  return `${sections.join('\n')}\n`;
}

function reconcileScaleSection(scale: ReconcileScale | undefined): string[] {
  if (!scale) return [];
  return [
    '',
    `**Reconcile at scale** (AWS's DynamoDB Local in memory; every active exit waits for one step, ${scale.dueFraction * 100} % due within the day; Scheduler calls counted, not timed; \`list-everything\` is the reconciler before the due index):`,
    '',
    table(
      [
        'variant',
        'active exits',
        'due',
        'time',
        'exits read',
        'DynamoDB calls',
        'read units',
        'write units',
        'Scheduler calls',
      ],
      scale.runs.map((run) => [
        run.variant,
        n(run.stored),
        n(run.due),
        `${(run.ms / 1000).toFixed(1)} s`,
        n(run.exitsChecked),
        n(run.dynamoCalls),
        n(run.readUnits),
        n(run.writeUnits),
        n(run.schedulerCalls),
      ]),
    ),
  ];
}
