import { describe, expect, it } from 'vitest';
import { SendingBlockedError } from '../../functions/domain/errors.js';
import {
  BLOCK_STALE_MS,
  BLOCKED_WORDS,
  currentBlock,
  sendingBlocked,
} from '../../functions/domain/sending-blocked.js';

describe('a blocked account in words', () => {
  it('gives every reason a why and a fix, and the error says why', () => {
    for (const [reason, words] of Object.entries(BLOCKED_WORDS)) {
      const error = sendingBlocked(reason as keyof typeof BLOCKED_WORDS);
      expect(error).toBeInstanceOf(SendingBlockedError);
      expect(error.message).toBe(`Sending is blocked: ${words.why}.`);
      expect(error.fix).toBe(words.fix);
    }
  });

  it('shows a block while waiting tries renew it, and drops one none renewed lately', () => {
    const at = '2025-03-03T09:00:00.000Z';
    const block = { at };

    expect(currentBlock(block, new Date(Date.parse(at) + 60 * 60_000))).toBe(block);
    expect(currentBlock(block, new Date(Date.parse(at) + BLOCK_STALE_MS))).toBeUndefined();
    expect(currentBlock(undefined, new Date(at))).toBeUndefined();
  });
});
