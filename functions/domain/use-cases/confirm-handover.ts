import type { Exit } from '../exit.js';
import { writeExitChange } from '../exit-writes.js';
import { confirmHandover, type HandoverChoice } from '../handover.js';
import type { EventLog } from '../ports.js';
import { type ClientLinkDeps, type LinkProblem, type OpenedLink, openLink } from './client-link.js';

export interface HandoverDeps extends ClientLinkDeps {
  log: EventLog;
}

export type ConfirmResult =
  /** `confirmed`: `count` items were confirmed now; `unchanged`: they all were already. */
  | { outcome: 'confirmed'; exit: Exit; count: number }
  | { outcome: 'unchanged'; exit: Exit }
  /** The form named an item the exit does not have (a stale or forged form); nothing written. */
  | { outcome: 'unknown-item'; exit: Exit }
  | { outcome: 'link-problem'; problem: LinkProblem };

/** The handover page's data: the exit with its items and their confirmations. */
export function openHandover(deps: ClientLinkDeps, token: string): Promise<OpenedLink> {
  return openLink(deps, token, 'handover');
}

/**
 * The client confirms receipt of handover items from the signed link:
 * 1. Open the link (it loads the exit; an erased exit opens nothing).
 * 2. Decide (`confirmHandover`): the open items asked for get the time, the timeline an entry.
 * 3. Write it in one conditional update, deciding again from a fresh read when a concurrent
 *    write got there first (another confirmation, a step being sent), so both are kept.
 */
export async function confirmReceipt(
  deps: HandoverDeps,
  token: string,
  choice: HandoverChoice,
): Promise<ConfirmResult> {
  const link = await openHandover(deps, token);
  if (!link.ok) return { outcome: 'link-problem', problem: link.problem };
  const result = await writeExitChange(
    deps.store,
    link.exit.id,
    (exit) => confirmHandover(exit, choice, deps.clock.now().toISOString()),
    { read: link.exit, write: (change, exit) => deps.store.confirmHandover(exit.id, change) },
  );
  switch (result.outcome) {
    case 'missing':
      return { outcome: 'link-problem', problem: 'unknown-exit' };
    case 'refused':
      return result.reason === 'erased'
        ? { outcome: 'link-problem', problem: 'erased' }
        : { outcome: 'unknown-item', exit: result.exit };
    case 'unchanged':
      return { outcome: 'unchanged', exit: result.exit };
    case 'written':
      deps.log.info('handover confirmed', {
        exitId: result.after.id,
        items: result.change.items.length,
      });
      return { outcome: 'confirmed', exit: result.after, count: result.change.items.length };
  }
}
