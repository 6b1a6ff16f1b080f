import type { ReconcileDeps } from './domain/use-cases/reconcile.js';
import type { Shared } from './shared-root.js';

/** The reconciler's wiring: the table and the schedules, no mail, no pages. */
export function buildReconcile(shared: Shared): ReconcileDeps {
  const { store, scheduler, clock, log } = shared;
  return { store, scheduler, clock, log };
}
