import { type Audit, auditExits, report } from './audit.js';
import type { StressStack } from './stress-stack.js';

/** Faults every proxy injected, by label. */
export function faultsInjected(stack: StressStack): Record<string, number> {
  return Object.assign(
    {},
    ...Object.values(stack.proxies).map((proxy) => proxy.injected()),
  ) as Record<string, number>;
}

/** Audits a scenario's exits, prints and keeps its row, and returns the audit for assertions. */
export async function finishScenario(
  stack: StressStack,
  scenario: string,
  run: {
    exitIds: readonly string[];
    started: number;
    repaired: number;
    /** Faults no proxy rule counted, e.g. a stopped service. */
    otherFaults?: Record<string, number>;
    notes?: string;
  },
): Promise<Audit> {
  const audit = await auditExits(stack, run.exitIds);
  const { stats } = stack.invoker;
  report({
    scenario,
    faults: { ...faultsInjected(stack), ...run.otherFaults },
    exits: audit.exits,
    steps: audit.steps,
    byState: audit.byState,
    emails: audit.accepted,
    duplicates: audit.duplicates,
    leaseWindowDuplicates: audit.leaseWindowDuplicates,
    lost: audit.lost.length,
    functionErrors: Object.values(stats.failures).reduce((sum, count) => sum + count, 0),
    functionErrorCauses: stats.failures,
    deadLettered: stats.deadLettered.length,
    reconcilerRepairs: run.repaired,
    seconds: (Date.now() - run.started) / 1000,
    notes: [
      ...(run.notes ? [run.notes] : []),
      ...[...stack.log.counts]
        .filter(([key]) => !key.startsWith('info:'))
        .map(([key, count]) => `logged ${key} ×${count}`),
    ].join('\n  '),
  });
  return audit;
}
