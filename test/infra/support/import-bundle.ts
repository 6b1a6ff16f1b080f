import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../../infra/cdk/bundling.js';
import { evaluate } from './template-facts.js';

const run = promisify(execFile);

/** Well-formed values for every key of the Farewell secret, as the secrets stub serves them. */
export const STUB_SECRET = {
  FAREWELL_WEBHOOK_SECRETS: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  FAREWELL_LINK_KEYS: 'k'.repeat(43),
  FAREWELL_SUPPRESSION_KEY: 's'.repeat(64),
  FAREWELL_SESSION_KEY: 'o'.repeat(43),
};

/**
 * A stand-in for Secrets Manager on loopback (JSON 1.1 protocol): `GetSecretValue` answers the
 * current secret string, `PutSecretValue` replaces it. Counts the reads.
 */
export async function startSecretsStub(secret: Record<string, string>): Promise<{
  endpoint: string;
  calls: () => number;
  current: () => string;
  stop: () => Promise<void>;
}> {
  let calls = 0;
  let secretString = JSON.stringify(secret);
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(body));
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:farewell-AbCdEf';
      if (target === 'secretsmanager.GetSecretValue') {
        calls += 1;
        answer(response, 200, { ARN: arn, Name: 'farewell', SecretString: secretString });
      } else if (target === 'secretsmanager.PutSecretValue') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretString: string };
        secretString = body.SecretString;
        answer(response, 200, { ARN: arn, Name: 'farewell', VersionId: 'v2' });
      } else {
        answer(response, 400, { __type: 'InvalidRequestException', message: 'not stubbed' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => calls,
    current: () => secretString,
    stop: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/**
 * Imports a bundle in a fresh Node process, as Lambda does at init, and checks it exports a
 * `handler` function; with `event`, also invokes it once. Resolves with the child's stdout (logs,
 * metrics, then the handler's result as the last line); rejects with its stderr when the import
 * throws (an ESM/`require` fault, a config error, a failed secret read).
 */
export async function importBundle(
  file: string,
  env: Record<string, string>,
  event?: unknown,
): Promise<string> {
  const url = pathToFileURL(file).href;
  const invoke =
    event === undefined
      ? ''
      : `console.log(JSON.stringify(await m.handler(${JSON.stringify(event)})));`;
  const script = `const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(3); } ${invoke}`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 20_000,
  });
  return stdout;
}

/**
 * Loads one of a bundle's on-demand files with `require` in a fresh Node process, as the bundle
 * does at first use, and answers the JSON of `expression` evaluated with the module as `m`.
 */
export async function requireInFreshProcess(file: string, expression: string): Promise<unknown> {
  const script = `const m = require(${JSON.stringify(file)}); console.log(JSON.stringify(${expression}));`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_PATH: runtimeNodeModules() },
    timeout: 20_000,
  });
  return JSON.parse(stdout);
}

/** The bundle CDK built for a function, and the environment CloudFormation would give it. */
export function bundleOf(
  fn: IConstruct,
  outdir: string,
): { dir: string; file: string; env: Record<string, string> } {
  const stack = Stack.of(fn);
  const cfn = fn.node.defaultChild as CfnFunction;
  const code = stack.resolve(cfn.code) as { s3Key: string };
  const assets = JSON.parse(
    readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8'),
  ) as { files: Record<string, { source: { path: string } }> };
  const asset = assets.files[code.s3Key.replace(/\.zip$/, '')];
  const variables = (stack.resolve(cfn.environment) as { variables?: Record<string, unknown> })
    .variables;
  const env = Object.fromEntries(
    Object.entries(variables ?? {}).map(([k, v]) => [k, evaluate(v, stack.region)]),
  );
  const dir = join(outdir, asset?.source.path ?? 'missing');
  return { dir, file: join(dir, 'index.mjs'), env };
}

/**
 * A folder laid out like the Lambda runtime's `/var/runtime/node_modules`, holding the AWS SDK v3
 * and nothing else (linked from this project's node_modules): a bundle that needs any other
 * package from outside fails to import, as it would on Lambda.
 */
export function runtimeNodeModules(): string {
  const dir = join(tmpdir(), `farewell-lambda-runtime-${process.pid}`, 'node_modules');
  for (const scope of ['@aws-sdk', '@smithy']) {
    const link = join(dir, scope);
    if (existsSync(link)) continue;
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules', scope), link, 'dir');
  }
  return dir;
}

/**
 * Region, dummy credentials, Secrets Manager at the stub, and the runtime's SDK on `NODE_PATH`
 * (where Lambda's Node.js runtime puts `/var/runtime/node_modules`).
 */
export function aws(secretsEndpoint: string): Record<string, string> {
  return {
    NODE_PATH: runtimeNodeModules(),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
  };
}

/** The stateful stack's own function (the secret completer). */
export function completer(stateful: IConstruct): IConstruct[] {
  return stateful.node
    .findAll()
    .filter((c) => c.node.id === 'Function' && c.node.path.includes('CompleteKeys'));
}
