import type { ApiCallsResult, CallCounts } from './api-calls.js';
import type { ColdStart } from './cold-start.js';
import type { CostLines, CostModel } from './cost.js';
import { PRICES } from './pricing.js';
import type { ReconcileScale } from './reconcile-scale.js';
import type { Rendering } from './rendering.js';
import type { BundleSize } from './sizes.js';
import { kib } from './support/stats.js';
import type { Throughput } from './throughput.js';

export const BUDGET_KIB = 450;
export const COST_GOAL_PER_1000 = 0.45;
export const COLD_START_GOAL_MS = 50;

export interface Results {
  generatedAt: string;
  environment: { node: string; cpus: number; cpu: string; loadAverage: [number, number] };
  durationSeconds: number;
  bundles: BundleSize[];
  coldStarts: ColdStart[];
  rendering: Rendering;
  throughput: Throughput;
  apiCalls: ApiCallsResult;
  reconcileScale?: ReconcileScale;
  cost: CostModel;
  prices: typeof PRICES;
}

const n = (value: number) => value.toLocaleString('en-US');
const yesNo = (ok: boolean) => (ok ? 'yes' : '**no**');
const dollars = (value: number) => `$${value.toFixed(value < 0.01 ? 4 : 3)}`;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function callRows(calls: ApiCallsResult): (string | number)[][] {
  const pair = (pick: (c: CallCounts) => string | number) => [
    pick(calls.fourEmails),
    pick(calls.twoYears),
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
  ];
}

function costRows(cost: CostModel): (string | number)[][] {
  const names: [keyof CostLines, string][] = [
    ['ses', 'SES'],
    ['dynamodb', 'DynamoDB (table + status index)'],
    ['lambda', 'Lambda (requests + arm64 GB-s)'],
    ['scheduler', 'EventBridge Scheduler'],
    ['httpApi', 'API Gateway HTTP API'],
    ['reconciler', 'daily reconciler reads'],
  ];
  return [
    ...names.map(([key, label]) => [
      label,
      dollars(cost.fourEmails[key]),
      dollars(cost.twoYears[key]),
    ]),
    [
      `**total** (goal ≤ $${COST_GOAL_PER_1000} for four-email exits)`,
      `**${dollars(cost.fourEmails.total)}** ${cost.fourEmails.total <= COST_GOAL_PER_1000 ? '(met)' : '(**missed**)'}`,
      `**${dollars(cost.twoYears.total)}**`,
    ],
  ];
}

/** The Markdown the README shows and `bench/results.md` keeps. */
export function renderReport(results: Results): string {
  const { bundles, coldStarts, rendering, throughput, apiCalls, cost } = results;
  const cold = new Map(coldStarts.map((c) => [c.name, c]));
  const sections = [
    `Measured ${results.generatedAt.slice(0, 10)} on ${results.environment.cpus} × ${results.environment.cpu}, Node ${results.environment.node}; \`npm run bench\` took ${Math.round(results.durationSeconds)} s. One-minute load average ${results.environment.loadAverage[0]} at the start, ${results.environment.loadAverage[1]} at the end: times on a busy machine run high.`,
    '',
    `**Bundles** (KiB of JavaScript per function; init is \`index.mjs\`, parsed at every cold start; on demand is read at first use: holiday library, templates). Budget: init ≤ ${BUDGET_KIB} KiB.`,
    '',
    table(
      [
        'function',
        'init',
        'on demand',
        'within budget',
        'naive bundle',
        'ours with the SDK bundled',
      ],
      bundles.map((b) => [
        b.name,
        kib(b.initBytes),
        kib(b.onDemandBytes),
        yesNo(b.initBytes <= BUDGET_KIB * 1024),
        n(kib(b.naiveBytes)),
        kib(b.sdkBundledBytes),
      ]),
    ),
    '',
    `**Cold-start proxy** (median ms to import the function in a fresh Node process, ${coldStarts[0]?.runs ?? 0} runs each, with the environment its template gives it, \`--enable-source-maps\` included; goal ≤ ${COLD_START_GOAL_MS} ms): our bundle with the runtime's SDK on \`NODE_PATH\`, the same bundle with the SDK inside, the naive bundle, and our code loading every package from node_modules. On-demand files: median ms to \`require\` each at first use.`,
    '',
    table(
      [
        'function',
        'ours (p90)',
        'ours, SDK bundled',
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
    '**AWS calls per exit** (measured on the local stack; the floor in brackets). A four-email exit: notice, thank-you, survey, reminder. Two years: the same exit with its first three check-ins.',
    '',
    table(['', 'four-email exit', 'two years'], callRows(apiCalls)),
    '',
    `**Modelled cost per 1,000 exits** (${PRICES.region}, list prices checked ${PRICES.checkedOn}: SES $${PRICES.ses.perThousandEmails}/1,000 emails; DynamoDB on-demand $${PRICES.dynamodb.perMillionWriteUnits}/M write units, $${PRICES.dynamodb.perMillionReadUnits}/M read units; Lambda arm64 $${PRICES.lambda.perGbSecondArm}/GB-s + $${PRICES.lambda.perMillionRequests}/M requests; Scheduler $${PRICES.scheduler.perMillionInvocations}/M invocations; HTTP API $${PRICES.httpApi.perMillionRequests}/M requests; free tiers left out). Every invocation is taken as a cold start billed ${cost.assumptions.billedMsPerInvocation.sendStep} ms (send-step) or ${cost.assumptions.billedMsPerInvocation.web} ms (web) at 512 MB: the cold-start proxy plus 100 ms of work.`,
    '',
    table(['', 'four-email exit', 'two years'], costRows(cost)),
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
