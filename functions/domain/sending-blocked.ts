/**
 * What an operator reads when the SES account cannot send: why, in plain words, and what to do.
 * The mailer names the reason; the step waits (see `deferBlockedStep`), the exit's timeline and
 * the console's banner say these words.
 */
import { SendingBlockedError, type SendingBlockedReason } from './errors.js';

export interface BlockedWords {
  /** Why nothing can be sent, e.g. "the SES account is still in the sandbox". */
  why: string;
  /** What the operator does about it. */
  fix: string;
}

export const BLOCKED_WORDS: Record<SendingBlockedReason, BlockedWords> = {
  sandbox: {
    why: 'the SES account is still in the sandbox, so it may only write to verified addresses',
    fix: 'request production access for SES in this region (AWS console → SES → Get set up); the waiting emails go out by themselves once it is granted',
  },
  'identity-not-verified': {
    why: 'the sender address or domain is not verified in SES',
    fix: 'publish the DKIM records of the sending domain and wait until SES shows the identity as verified',
  },
  'mail-from-not-verified': {
    why: 'SES cannot read the MX record of the custom MAIL FROM domain',
    fix: 'publish the MAIL FROM MX and SPF records shown for the identity in SES',
  },
  'sending-paused': {
    why: 'sending is paused for the SES account or its configuration set',
    fix: 'find out why in the SES console (reputation dashboard) and resume sending there',
  },
  'account-suspended': {
    why: 'AWS has suspended the SES account from sending',
    fix: 'contact AWS support from the SES console to restore sending',
  },
  'daily-quota': {
    why: 'the SES account has sent its daily quota of emails',
    fix: 'wait for the quota to renew (within 24 hours), or ask AWS for a higher sending quota',
  },
  'configuration-set-missing': {
    why: 'the SES configuration set Farewell sends with does not exist',
    fix: 'deploy the stateful stack again (it creates the configuration set), or correct its name in the configuration',
  },
};

/** How long a blocked step waits before the next try: the account may be fixed any time. */
export const BLOCKED_RETRY_MS = 60 * 60_000;

/**
 * A recorded block no blocked try has renewed for this long is over: every waiting step tries
 * again each `BLOCKED_RETRY_MS` and renews it while the account still cannot send, so an old
 * one means none is left waiting (they went out, or their exits were cancelled).
 */
export const BLOCK_STALE_MS = 2 * BLOCKED_RETRY_MS + 10 * 60_000;

/** The block the console shows at `now`: the recorded one, unless no try renewed it lately. */
export function currentBlock<B extends { at: string }>(
  block: B | undefined,
  now: Date,
): B | undefined {
  if (!block) return undefined;
  return now.getTime() - Date.parse(block.at) < BLOCK_STALE_MS ? block : undefined;
}

/** The error a mailer throws when the account cannot send, with the words above. */
export function sendingBlocked(
  reason: SendingBlockedReason,
  options?: ErrorOptions,
): SendingBlockedError {
  return new SendingBlockedError(reason, BLOCKED_WORDS[reason], options);
}
