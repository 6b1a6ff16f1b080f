import { NotFoundError } from '../errors.js';
import type { Exit } from '../exit.js';
import type { Decision } from '../exit-changes.js';
import { writeExitChange } from '../exit-writes.js';
import { type LinkPurpose, verifyLinkToken } from '../link-token.js';
import type { Clock, ExitStore, StatusChange } from '../ports.js';

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

/**
 * Opens an emailed link:
 * 1. Verify the token (signature, purpose, expiry).
 * 2. Load the exit it names; a missing or erased exit opens nothing.
 */
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

/**
 * Writes the change `decide` makes of the exit an opened link loaded (see `writeExitChange`),
 * deciding again from a fresh read when a concurrent write (a step being sent, an operator) got
 * there first. Returns the exit after the write, or as it was when nothing changed.
 */
export async function writeLinkChange(
  store: ExitStore,
  exit: Exit,
  decide: (exit: Exit) => Decision<StatusChange>,
): Promise<{ exit: Exit; changed: boolean; before: Exit }> {
  const result = await writeExitChange(store, exit.id, decide, { read: exit });
  if (result.outcome === 'missing') throw new NotFoundError(`No exit ${exit.id}`);
  if (result.outcome === 'written') {
    return { exit: result.after, changed: true, before: result.before };
  }
  return { exit: result.exit, changed: false, before: result.exit };
}
