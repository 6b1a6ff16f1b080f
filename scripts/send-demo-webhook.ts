import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { readEndpoints } from '../infra/local/endpoints-file.js';

/**
 * Posts a signed sample `exit.requested` webhook to the local app and prints the answer.
 * Where to: `--url`, else FAREWELL_URL, else the app `npm start` is running from this data
 * folder (its endpoints file names the port it chose), else PORT or 3000 as `npm start` defaults.
 */
const dataDir = resolve(process.env.FAREWELL_DATA_DIR || '.farewell-data');

function fail(line: string): never {
  console.error(line);
  process.exit(1);
}

function targetUrl(): string {
  let url: string | undefined;
  try {
    url = parseArgs({ options: { url: { type: 'string' } } }).values.url;
  } catch (error) {
    fail(
      `${(error as Error).message} Usage: npm run webhook:demo -- [--url http://127.0.0.1:3000]`,
    );
  }
  return (
    url ||
    process.env.FAREWELL_URL ||
    readEndpoints(dataDir)?.appUrl ||
    `http://127.0.0.1:${process.env.PORT || 3000}`
  ).replace(/\/+$/, '');
}

const baseUrl = targetUrl();

function secret(): string {
  const fromEnv = process.env.FAREWELL_WEBHOOK_SECRETS?.split(/\s+/).find(Boolean);
  if (fromEnv) return fromEnv;
  try {
    const saved = JSON.parse(readFileSync(`${dataDir}/secrets.json`, 'utf8')) as {
      FAREWELL_WEBHOOK_SECRETS?: string;
    };
    if (saved.FAREWELL_WEBHOOK_SECRETS) return saved.FAREWELL_WEBHOOK_SECRETS.split(/\s+/)[0] ?? '';
  } catch {
    // fall through
  }
  fail(
    'No webhook secret: start Farewell with `npm start` first, or set FAREWELL_WEBHOOK_SECRETS.',
  );
}

const body = JSON.stringify({
  type: 'exit.requested',
  timestamp: new Date().toISOString(),
  data: {
    client: {
      name: 'Ada Lovelace',
      email: 'ada@client.example',
      company: 'Analytical Engines Ltd',
      timezone: 'Europe/London',
      country: 'GB',
      locale: 'en-GB',
    },
    initiatedBy: 'firm',
    reason: 'Your needs have grown beyond the analytics work we specialise in.',
    relationshipStartedOn: '2024-03-01',
    handover: [
      {
        title: 'Dashboard source code and documentation',
        url: 'https://git.example.com/analytical-engines/dashboards',
        note: 'The README explains how to deploy and where each metric comes from.',
      },
      'Admin credentials for the data warehouse',
    ],
    highlights: ['Cut the monthly reporting time from three days to four hours'],
    externalId: `demo-${Date.now()}`,
  },
});
const id = `msg_${randomUUID()}`;
const now = new Date();
const signature = new Webhook(secret()).sign(id, now, body);
const response = await fetch(`${baseUrl}/webhooks/exits`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  },
  body,
}).catch(() =>
  fail(
    `Farewell does not answer at ${baseUrl}. Start it with \`npm start\`, or pass --url (or PORT) for the port it runs on.`,
  ),
);
console.log(`${response.status} ${await response.text()}`);
console.log(
  `The notice will be in the inbox within seconds: ${process.env.FAREWELL_SES_URL ?? readEndpoints(dataDir)?.sesUrl ?? `http://127.0.0.1:${process.env.FAREWELL_SES_PORT || 8005}`}`,
);
