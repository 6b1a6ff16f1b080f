import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.js';
import { addressesIn, secretsIn } from '../support/hostile-log-scan.js';
import { type RunningFarewell, startFarewell } from '../support/npm-start.js';
import { freePort, waitFor } from '../support/ports.js';
import type { StoredEmail } from '../support/test-stack.js';
import { exitRequested, signWebhook, TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

/**
 * `npm start` as a person runs it, logs at DEBUG, through a whole scenario: webhooks (good, bad
 * signature, bad body), time travel, the survey answered, unsubscribe by page and one-click, the
 * console (a failed and a good sign-in, pages, a refused form, an action), and `farewell import`
 * in another process. Then everything both processes wrote is scanned for every address, token
 * and secret the scenario used. Only the start banner may name the operator, by contract.
 */

const OPERATOR = {
  email: 'logscan.operator@firm.example',
  password: 'a-long-operator-password-0042',
};
const ADDRESSES = {
  started: 'logscan.started@client.example',
  refused: 'logscan.refused@client.example',
  imported: 'logscan.imported@client.example',
  importRefused: 'logscan.import-refused@client.example',
};

const dataDir = mkdtempSync(join(tmpdir(), 'farewell-log-scan-'));
let app: RunningFarewell;
let output = '';
let appUrl: string;
let sesUrl: string;
/** Every token the scenario saw, by name. */
const seen: Record<string, string> = {};
/** The exit's id: logs do name it, which shows the scan finds what is there. */
let startedExit = '';

function capture(child: ChildProcess): void {
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
}

beforeAll(async () => {
  const [appPort, sesPort] = await Promise.all([freePort(), freePort()]);
  appUrl = `http://127.0.0.1:${appPort}`;
  sesUrl = `http://127.0.0.1:${sesPort}`;
  app = await startFarewell(
    {
      PORT: String(appPort),
      FAREWELL_SES_PORT: String(sesPort),
      FAREWELL_DATA_DIR: dataDir,
      FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
      FAREWELL_OPERATOR_EMAIL: OPERATOR.email,
      FAREWELL_OPERATOR_PASSWORD: OPERATOR.password,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    },
    30_000,
  );
  await scenario();
  await app.stop();
  output = app.output() + output;
}, 120_000);

afterAll(async () => {
  app?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function emailsTo(address: string): Promise<StoredEmail[]> {
  const { emails } = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.includes(address));
}

function post(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${appUrl}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
}

/** A client page form, posted as the browser that opened the page. */
async function clientForm(path: string, fields: Record<string, string>): Promise<void> {
  const page = await fetch(`${appUrl}${path}`);
  const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const csrf = ConsoleClient.token(await page.text(), path);
  seen[`CSRF cookie of ${path.slice(0, 3)}`] = cookie.split('=')[1] ?? '';
  seen[`CSRF field of ${path.slice(0, 3)}`] = csrf;
  const response = await post(path, new URLSearchParams({ ...fields, csrf }).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    cookie,
  });
  expect(response.status).toBe(200);
}

function withAddress(email: string, overrides: Record<string, unknown> = {}) {
  const payload = exitRequested(overrides);
  (payload.data as { client: { email: string } }).client.email = email;
  return payload;
}

async function scenario(): Promise<void> {
  // Signed in before time travels: a sign-in after one gets a dead cookie (hostile #8).
  const console = new ConsoleClient(appUrl);
  expect((await console.signIn(OPERATOR.email, 'not-the-password-at-all')).status).toBe(401);
  expect((await console.signIn(OPERATOR.email, OPERATOR.password)).status).toBe(303);
  seen['session cookie'] = console.cookies.get('farewell-session') ?? '';
  seen['sign-in CSRF cookie'] = console.cookies.get('farewell-csrf') ?? '';
  const json = { 'content-type': 'application/json' };
  const now = (await (await post('/__local/time-travel', '{"days":0}', json)).json()) as {
    now: string;
  };
  const effectiveOn = new Date(Date.parse(now.now) + 5 * 86_400_000).toISOString().slice(0, 10);
  const started = signWebhook(withAddress(ADDRESSES.started, { effectiveOn }));
  const accepted = await post('/webhooks/exits', started.body, started.headers);
  expect(accepted.status).toBe(202);
  const { exitId } = (await accepted.json()) as { exitId: string };
  startedExit = exitId;
  seen['webhook signature'] = started.headers['webhook-signature'] ?? '';
  const unsigned = { ...started.headers, 'webhook-signature': 'v1,bm9wZQ==' };
  expect((await post('/webhooks/exits', started.body, unsigned)).status).toBe(401);
  const refused = signWebhook(withAddress(ADDRESSES.refused, { initiatedBy: 'nobody' }));
  expect((await post('/webhooks/exits', refused.body, refused.headers)).status).toBe(422);
  await waitFor(
    async () => ((await emailsTo(ADDRESSES.started)).length > 0 ? true : undefined),
    8_000,
  );
  await post('/__local/time-travel', '{"days":12}', json);

  const survey = (await emailsTo(ADDRESSES.started)).find((email) =>
    email.subject.startsWith('How did'),
  );
  const surveyPath = /\/s\/[A-Za-z0-9_.-]+/.exec(survey?.body.text ?? '')?.[0] ?? '';
  const unsubscribePath = /\/u\/[A-Za-z0-9_.-]+/.exec(survey?.body.text ?? '')?.[0] ?? '';
  seen['survey link token'] = surveyPath.slice(3);
  seen['unsubscribe link token'] = unsubscribePath.slice(3);
  await clientForm(surveyPath, {
    reason: 'quality',
    score: '2',
    testimonial: 'Fine.',
    publishAs: 'anonymous',
  });
  await clientForm(unsubscribePath, { action: 'pause' });
  const oneClick = await post(unsubscribePath, 'List-Unsubscribe=One-Click', {
    'content-type': 'application/x-www-form-urlencoded',
  });
  expect(oneClick.status).toBe(200);

  expect((await console.get('/admin/exits?status=completed')).status).toBe(200);
  const exitPath = `/admin/exits/${exitId}`;
  expect((await console.post(`${exitPath}/erase`, { csrf: 'forged' })).status).toBe(403);
  const erased = await console.submit(`${exitPath}/erase`, `${exitPath}/erase`);
  expect(erased.headers.get('location')).toBe(`${exitPath}?done=erased`);

  const csv = join(dataDir, 'import.csv');
  writeFileSync(
    csv,
    `name,email,initiatedBy\nImported Client,${ADDRESSES.imported},firm\nRefused Row,${ADDRESSES.importRefused},nobody\n`,
  );
  const cli = spawn(process.execPath, ['bin/farewell.js', '--local', '--verbose', 'import', csv], {
    cwd: process.cwd(),
    env: { ...process.env, FAREWELL_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'DEBUG' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  capture(cli);
  const code = await new Promise((resolve) => cli.once('close', resolve));
  expect(code).toBe(1);
  await waitFor(
    async () => ((await emailsTo(ADDRESSES.imported)).length > 0 ? true : undefined),
    8_000,
  );
}

describe('the logs of a whole run', () => {
  it('went through the whole scenario', () => {
    expect(output).toContain('1 started, 0 already existed, 1 failed');
    expect(output).toMatch(/"message":"survey answered"/);
    expect(output).toMatch(/"message":"sign-in failed"/);
    expect(output).toMatch(/console form rejected: CSRF token/);
  });

  it('name the operator only in the start banner, and no other address anywhere', () => {
    const [banner = '', logs = ''] = output.split(/^.*Stop: .*$/m);

    expect(banner).toContain(OPERATOR.email);
    expect(banner).not.toContain(OPERATOR.password);
    expect(banner).not.toContain(TEST_WEBHOOK_SECRET);
    expect(addressesIn(logs)).toEqual([]);
  });

  it('hold no address, link token, session or CSRF token, webhook secret or key', () => {
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    const logs = output.split(/^.*Stop: .*$/m)[1] ?? '';

    const findings = secretsIn(output, {
      ...Object.fromEntries(
        Object.entries(ADDRESSES).map(([name, email]) => [`${name} address`, email]),
      ),
      'operator password': OPERATOR.password,
      'webhook secret': TEST_WEBHOOK_SECRET,
      'link key': secrets.FAREWELL_LINK_KEYS ?? '',
      'suppression key': secrets.FAREWELL_SUPPRESSION_KEY ?? '',
      'session key': secrets.FAREWELL_SESSION_KEY ?? '',
      ...seen,
    });
    const operatorInLogs = secretsIn(logs, { 'operator address': OPERATOR.email });

    expect(Object.values(seen).every((value) => value.length > 0)).toBe(true);
    expect(secretsIn(logs, { 'exit id': startedExit }).length).toBeGreaterThan(0);
    expect([...findings, ...operatorInLogs]).toEqual([]);
  });
});
