import type { Clock } from '../../../functions/domain/ports.js';
import { type FaultRule, isSendEmail, sesError } from '../../support/fault-proxy.js';

export interface SesRateLimit {
  /** The rule to inject into the SES fault proxy. */
  rule: FaultRule;
  /** Sends let through, by second of the clock (epoch seconds → count), for the report. */
  acceptedPerSecond(): Map<number, number>;
}

/**
 * SES's maximum sending rate in front of aws-ses-v2-local: a `SendEmail` beyond `perSecond` in
 * the last second of `clock` is answered the way SES v2 answers a throttled send,
 * `TooManyRequestsException` with HTTP 429, and is not forwarded. A sliding one-second window,
 * so a send that goes through always finds fewer than `perSecond` others in the second before it.
 * The proxy answers each request in turn, so the count never races.
 */
export function sesRateLimit(clock: Clock, perSecond: number): SesRateLimit {
  const recent: number[] = [];
  const perClockSecond = new Map<number, number>();
  const rule: FaultRule = {
    label: `SES TooManyRequestsException 429 (over ${perSecond}/s)`,
    matches: isSendEmail,
    fails() {
      const now = clock.now().getTime();
      while (recent.length > 0 && (recent[0] ?? 0) <= now - 1000) recent.shift();
      if (recent.length >= perSecond) return true;
      recent.push(now);
      const second = Math.floor(now / 1000);
      perClockSecond.set(second, (perClockSecond.get(second) ?? 0) + 1);
      return false;
    },
    limit: Number.POSITIVE_INFINITY,
    answer: sesError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'),
  };
  return { rule, acceptedPerSecond: () => perClockSecond };
}
