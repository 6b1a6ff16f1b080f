import { ConflictError, NotFoundError } from '../errors.js';
import type { Exit } from '../exit.js';
import { type LinkPurpose, verifyLinkToken } from '../link-token.js';
import type { Clock, EventLog, ExitStore, StatusChange, StepScheduler } from '../ports.js';

/** What opening an emailed link needs. */
export interface ClientLinkDeps {
  store: ExitStore;
  clock: Clock;
  /** `FAREWELL_LINK_KEYS`, newest first; every key verifies. */
  linkKeys: readonly string[];
}

/**
 * Why a link opens nothing: `invalid` (tampered, truncated, or made for another page), `expired`
 * (the survey closed, or the link is very old), `unknown-exit` (signed by us, but the exit is gone),
 * `erased` (the operator erased the client's data: no link of that exit may collect any again).
 */
export type LinkProblem = 'invalid' | 'expired' | 'unknown-exit' | 'erased';

export type OpenedLink =
  | { ok: true; exit: Exit; expiresAt: Date }
  | { ok: false; problem: LinkProblem };

/** Tokens we sign are about 80 characters; anything far longer is not one of ours. */
const MAX_TOKEN_LENGTH = 512;

/** Verifies a link's token and loads the exit it names. */
export async function openLink(
  deps: ClientLinkDeps,
  token: string,
  purpose: LinkPurpose,
): Promise<OpenedLink> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, problem: 'invalid' };
  const check = verifyLinkToken(deps.linkKeys, token, purpose, deps.clock.now());
  if (!check.valid) {
    return { ok: false, problem: check.reason === 'expired' ? 'expired' : 'invalid' };
  }
  const exit = await deps.store.get(check.claims.exitId);
  if (!exit) return { ok: false, problem: 'unknown-exit' };
  if (exit.erasedAt) return { ok: false, problem: 'erased' };
  return { ok: true, exit, expiresAt: new Date(check.claims.expiresAt * 1000) };
}

const ATTEMPTS = 5;

/**
 * Applies the change `plan` computes from the exit, re-reading and re-planning when a concurrent
 * write (a step being sent, an operator) got there first. `plan` returns undefined when there is
 * nothing to change. Returns the exit after the write, or as it was when nothing changed.
 */
export async function changeWithRetry(
  store: ExitStore,
  exit: Exit,
  plan: (exit: Exit) => StatusChange | undefined,
): Promise<{ exit: Exit; changed: boolean; before: Exit }> {
  let current = exit;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    // An exit erased since the link was opened is never changed again (nor re-activated).
    if (current.erasedAt) return { exit: current, changed: false, before: current };
    const change = plan(current);
    if (!change) return { exit: current, changed: false, before: current };
    const after = await store.changeStatus(current.id, change);
    if (after) return { exit: after, changed: true, before: current };
    const fresh = await store.get(current.id);
    if (!fresh) throw new NotFoundError(`No exit ${current.id}`);
    current = fresh;
  }
  throw new ConflictError(`Exit ${exit.id} kept changing; try again`);
}

/**
 * Deletes the schedules of steps the write above skipped. Best effort: a schedule left behind
 * fires, finds its step skipped and does nothing.
 */
export async function deleteSchedules(
  deps: { scheduler: StepScheduler; log: EventLog },
  exitId: string,
  stepIds: readonly string[],
): Promise<void> {
  const results = await Promise.allSettled(stepIds.map((id) => deps.scheduler.cancel(exitId, id)));
  const failed = results.filter((result) => result.status === 'rejected').length;
  if (failed > 0) deps.log.warn('schedules left after a client action', { exitId, failed });
}
