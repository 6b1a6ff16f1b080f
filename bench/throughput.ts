import { startTestStack } from '../test/support/test-stack.js';
import { exitRequested } from '../test/support/webhooks.js';
import { percentile, round } from './support/stats.js';

/**
 * Local throughput: signed `exit.requested` webhooks against the local stack started in this
 * process on 127.0.0.1 (dynalite on disk, aws-ses-v2-local, the Scheduler emulator, the HTTP
 * gateway, the very handlers the Lambdas run). Bounded: a fixed number of exits, a fixed
 * concurrency, and a deadline after which it reports what it has.
 */

export interface Throughput {
  exits: number;
  concurrency: number;
  accepted: number;
  /** 202 answers per second of sending. */
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** From the first request until every accepted exit's notice is in the SES store. */
  allNoticesMs: number | undefined;
  noticesDelivered: number;
  /** Peak resident memory of the process (the whole local stack), MB. */
  peakRssMb: number;
}

const DOMAIN = 'throughput.example';

async function noticesDelivered(sesUrl: string, since: number): Promise<number> {
  const response = await fetch(`${sesUrl}/store?since=${since}`);
  const { emails } = (await response.json()) as { emails: { destination: { to: string[] } }[] };
  return emails.filter((email) => email.destination.to.some((to) => to.endsWith(`@${DOMAIN}`)))
    .length;
}

export async function measureThroughput(
  exits = 1000,
  concurrency = 16,
  deadlineMs = 240_000,
): Promise<Throughput> {
  const stack = await startTestStack();
  try {
    const since = Math.floor(Date.now() / 1000);
    const latencies: number[] = [];
    let accepted = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + deadlineMs;
    const worker = async () => {
      while (next < exits && performance.now() < deadline) {
        const index = next;
        next += 1;
        const payload = exitRequested({ externalId: `throughput-${index}` });
        const client = (payload.data as { client: Record<string, string> }).client;
        client.email = `client-${index}@${DOMAIN}`;
        const sent = performance.now();
        const response = await stack.webhook(payload);
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (response.status === 202) accepted += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const sending = performance.now() - started;

    let delivered = await noticesDelivered(stack.stack.sesUrl, since);
    while (delivered < accepted && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      delivered = await noticesDelivered(stack.stack.sesUrl, since);
    }
    const allNotices = delivered >= accepted ? performance.now() - started : undefined;

    return {
      exits,
      concurrency,
      accepted,
      acceptedPerSecond: round(accepted / (sending / 1000)),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      allNoticesMs: allNotices === undefined ? undefined : Math.round(allNotices),
      noticesDelivered: delivered,
      // ru_maxrss is in kilobytes on Linux.
      peakRssMb: round(process.resourceUsage().maxRSS / 1024, 0),
    };
  } finally {
    await stack.stop();
  }
}
