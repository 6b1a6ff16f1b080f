import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';

/** Posts a signed sample `exit.requested` webhook to the local app and prints the answer. */
const dataDir = resolve(process.env.FAREWELL_DATA_DIR || '.farewell-data');
const baseUrl = process.env.FAREWELL_URL ?? `http://127.0.0.1:${process.env.PORT || 3000}`;

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
  console.error(
    'No webhook secret: start Farewell with `npm start` first, or set FAREWELL_WEBHOOK_SECRETS.',
  );
  process.exit(2);
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
      'Dashboard source code and documentation',
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
});
console.log(`${response.status} ${await response.text()}`);
console.log(
  `The notice will be in the inbox within seconds: ${process.env.FAREWELL_SES_URL ?? `http://127.0.0.1:${process.env.FAREWELL_SES_PORT || 8005}`}`,
);
