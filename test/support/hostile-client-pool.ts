/**
 * Exits and links for the client pages' tests: exits written straight to the store, emailed
 * link tokens for them, and a browser's CSRF cookie with the field of any form.
 */
import { sequence } from '../../config/sequence.js';
import { newExitId } from '../../functions/domain/ids.js';
import { type LinkPurpose, signLinkToken } from '../../functions/domain/link-token.js';
import { buildExit } from '../../functions/domain/use-cases/start-exit.js';
import { Csrf, csrfKeys } from '../../functions/handlers/http/csrf.js';
import type { HostileStack } from './hostile-stack.js';

const DAY = 86_400;

/** Link tokens for an exit, as the emails carry them. */
export interface LinkMint {
  keys: string[];
  token(exitId: string, purpose: LinkPurpose, days?: number): string;
}

export function linkMint(stack: HostileStack): LinkMint {
  const keys = stack.config.FAREWELL_LINK_KEYS;
  return {
    keys,
    token: (exitId, purpose, days = 60) =>
      signLinkToken(keys, {
        exitId,
        purpose,
        expiresAt: Math.floor(stack.deps.web.startExit.clock.now().getTime() / 1000) + days * DAY,
      }),
  };
}

/**
 * Exits for the client pages, written straight to the store as the start use case builds them
 * (planned steps, no schedules: these tests never let them fire). Each has its own address.
 */
export async function clientPool(
  stack: HostileStack,
  size: number,
  tag: string,
): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  for (let at = 0; at < size; at += 1) {
    const exitId = newExitId();
    const exit = buildExit(
      {
        client: {
          name: `Client ${tag} ${at}`,
          email: `${tag}.${at}@client.example`,
          ...(at % 3 === 0 ? { locale: 'fr-FR', country: 'FR', timezone: 'Europe/Paris' } : {}),
        },
        initiatedBy: at % 2 === 0 ? 'firm' : 'client',
        effectiveOn: '2031-03-14',
        // Half the exits hand over items (ids h1, h2), the other half nothing.
        ...(at % 2 === 0
          ? { handover: [{ title: 'Source code', url: 'https://git.example.com/x' }, 'Runbooks'] }
          : {}),
      },
      exitId,
      { source: 'console' },
      now,
      { timezone: 'Europe/London', locale: 'en-GB' },
      sequence,
    );
    await stack.deps.web.store.create(exit);
    ids.push(exitId);
  }
  return ids;
}

/** A browser's CSRF cookie for the client pages, and the field of any form path. */
export function clientCsrf(stack: HostileStack): { secret: string; token(action: string): string } {
  const csrf = new Csrf({ keys: csrfKeys(stack.config.FAREWELL_LINK_KEYS), secure: false });
  const secret = 'h'.repeat(43);
  return { secret, token: (action) => csrf.token(secret, action) };
}
