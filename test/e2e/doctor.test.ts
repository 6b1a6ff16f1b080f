/**
 * `farewell doctor` (and `npm run doctor`) as a shell runs it, against a local stack this file
 * starts: the local SES knows no sandbox, so the account checks do not apply, while the link base
 * URL, the app's health and the local SES inbox are really asked. A stack whose app is gone is a
 * real unreachable port, not a mock.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ENDPOINTS_FILE,
  type LocalEndpoints,
  SECRETS_FILE,
} from '../../infra/local/endpoints-file.js';
import { freePort } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { startTestStack } from '../support/test-stack.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const test = startForFile(startTestStack);
const scratch = mkdtempSync(join(tmpdir(), 'farewell-doctor-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function run(
  command: string,
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const child = spawn(command, args, {
    cwd: process.cwd(),
    env: { ...process.env, FAREWELL_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const farewell = (args: string[], dataDir: string, env?: Record<string, string>) =>
  run(process.execPath, ['bin/farewell.js', ...args], dataDir, env);

const lines = (text: string) => text.trim().split('\n');

describe('farewell doctor against the local stack', () => {
  it('checks the link base URL, the app and the local SES, and exits 0', async () => {
    const { appUrl, sesUrl } = test.stack;
    const result = await farewell(['--local', 'doctor'], test.stack.dataDir);

    expect(lines(result.stdout)).toEqual([
      'Farewell doctor: the local stack, sender domain northwind.example',
      `ok     Local SES: the local SES inbox answers at ${sesUrl}`,
      'n/a    Sending identity: local SES: not applicable (sandbox rules do not apply)',
      'n/a    DKIM: local SES: not applicable (sandbox rules do not apply)',
      'n/a    MAIL FROM: local SES: not applicable (sandbox rules do not apply)',
      'n/a    Production access: local SES: not applicable (sandbox rules do not apply)',
      'n/a    Sending enabled: local SES: not applicable (sandbox rules do not apply)',
      'n/a    Send quota: local SES: not applicable (sandbox rules do not apply)',
      'n/a    Configuration set: local SES: not applicable (sandbox rules do not apply)',
      'n/a    Event destination: local SES: not applicable (sandbox rules do not apply)',
      `ok     Link base URL: ${appUrl} (local stack)`,
      `ok     App health: ${appUrl}/healthz answered 200`,
      'Ready: nothing to do.',
    ]);
    expect(result.stderr).toContain(`Asking ${appUrl}/healthz…`);
    expect(result.stdout).not.toContain('sam@');
    expect(result.stdout).not.toContain('hello@');
    expect(result.code).toBe(0);
  });

  it('runs as `npm run doctor -- --local` too', async () => {
    const result = await run(
      'npm',
      ['run', '--silent', 'doctor', '--', '--local'],
      test.stack.dataDir,
    );

    expect(lines(result.stdout).at(-1)).toBe('Ready: nothing to do.');
    expect(result.code).toBe(0);
  });

  it('says what to do and exits 1 when the app behind the links does not answer', async () => {
    const dataDir = mkdtempSync(join(scratch, 'gone-'));
    const endpoints = JSON.parse(
      readFileSync(join(test.stack.dataDir, ENDPOINTS_FILE), 'utf8'),
    ) as LocalEndpoints;
    const gone = `http://127.0.0.1:${await freePort()}`;
    const moved: LocalEndpoints = {
      ...endpoints,
      appUrl: gone,
      settings: { ...endpoints.settings, FAREWELL_PUBLIC_URL: gone },
    };
    writeFileSync(join(dataDir, ENDPOINTS_FILE), JSON.stringify(moved));
    writeFileSync(join(dataDir, SECRETS_FILE), '{}');

    const result = await farewell(['--local', 'doctor'], dataDir);

    expect(lines(result.stdout)).toContain(
      `to do  App health (blocks sending): ${gone}/healthz did not answer (ECONNREFUSED). To do: start the local stack with \`npm start\`, and check the link base URL.`,
    );
    expect(lines(result.stdout).at(-1)).toBe(
      '1 thing to do; sending is blocked until it is done: App health.',
    );
    expect(result.code).toBe(1);
  });

  it('says how to start the local stack when none is running', async () => {
    const result = await farewell(['--local', 'doctor'], mkdtempSync(join(scratch, 'none-')));

    expect(result.stderr).toMatch(
      /^No local Farewell is running from .+\. Start it with `npm start`/,
    );
    expect(result.code).toBe(1);
  });
});

const asStage = (sesUrl: string) => ({
  AWS_ENDPOINT_URL_SESV2: sesUrl,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  FAREWELL_PUBLIC_URL: test.stack.appUrl,
});

/** An endpoint that takes requests and never answers, as a wrong or firewalled endpoint does. */
async function silentEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const held: ServerResponse[] = [];
  const server = createServer((_request, response) => {
    held.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const response of held) response.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('farewell doctor against a stage', () => {
  it('reports each SES answer it cannot use on one line, checks the app, and exits 1', async () => {
    // The local SES stands in for AWS here: it refuses GetAccount and does not know GetEmailIdentity.
    const result = await farewell(
      ['doctor', '--stage', 'dev'],
      scratch,
      asStage(test.stack.sesUrl),
    );
    const printed = lines(result.stdout);

    expect(printed).toEqual([
      'Farewell doctor: stage dev (region eu-west-1), sender domain farewell.example.com',
      'to do  Sending identity (blocks sending): could not ask SES for the identity farewell.example.com in eu-west-1 (an answer that is not from SES (it could not be read)). To do: check the AWS credentials (AWS_PROFILE or the usual SDK chain) and that they may call ses:GetAccount, ses:GetEmailIdentity and ses:GetConfigurationSet* in the stage region.',
      expect.stringMatching(
        /^to do {2}SES account \(blocks sending\): could not ask SES for the account \(sandbox, quotas\) in eu-west-1 \(.*Bad Request Exception\)\. To do: check the AWS credentials/,
      ),
      'to do  Configuration set: not checked: the identity, which names it, could not be read. To do: fix the sending identity first, then run the doctor again.',
      `to do  Link base URL (blocks sending): ${test.stack.appUrl} is not https. To do: set appDomain of stage dev in config/stages.ts (links then go to https://<appDomain>), or FAREWELL_PUBLIC_URL to an https URL.`,
      `ok     App health: ${test.stack.appUrl}/healthz answered 200`,
      '4 things to do; sending is blocked until 3 of them are done: Sending identity, SES account, Link base URL.',
    ]);
    expect(result.stderr).toContain('Asking SES in eu-west-1 about farewell.example.com…');
    expect(result.code).toBe(1);
  });

  it('gives up on an SES endpoint that never answers within the timeout', async () => {
    const silent = await silentEndpoint();
    const started = Date.now();
    try {
      const result = await farewell(
        ['doctor', '--stage', 'dev', '--timeout', '0.5'],
        scratch,
        asStage(silent.url),
      );

      expect(lines(result.stdout)).toContain(
        'to do  Sending identity (blocks sending): could not ask SES for the identity farewell.example.com in eu-west-1 (TimeoutError: no answer in time). To do: check the network and the SES endpoint (AWS_ENDPOINT_URL_SESV2, when set), or try again with a longer --timeout.',
      );
      expect(result.stdout).toMatch(/to do {2}SES account \(blocks sending\): .*\(TimeoutError/);
      expect(result.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await silent.close();
    }
  });

  it('names the stages it knows when asked for another', async () => {
    const result = await farewell(['doctor', '--stage', 'nope'], scratch);

    expect(result.stderr.trim()).toBe('No stage "nope" in config/stages.ts (known: dev)');
    expect(result.code).toBe(1);
  });
});
