/**
 * The local stack for hostile-input tests: the in-process stack of `startTestStack` (dynalite,
 * aws-ses-v2-local, the Scheduler emulator, the gateway) plus a second web handler built by the
 * same composition root on the same services, called in this process so that ten thousand
 * requests stay cheap. Everything the process writes to stdout and stderr meanwhile is kept for
 * the log scan.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PowertoolsLog } from '../../functions/adapters/powertools-log.js';
import { buildDependencies, type Dependencies } from '../../functions/composition-root.js';
import { type Config, loadConfig } from '../../functions/config.js';
import type { HttpResponse } from '../../functions/handlers/http/responses.js';
import { createWebHandler, type WebHandler } from '../../functions/handlers/web.js';
import { readEndpoints } from '../../infra/local/endpoints-file.js';
import { VirtualClock } from '../../infra/local/virtual-clock.js';
import { apiEvent, HandlerBrowser, type HostileRequest } from './hostile-http.js';
import { CHEAP_PASSWORDS, startTestStack, type TestStack } from './test-stack.js';

/** What the process wrote to stdout and stderr while capturing. */
export class OutputCapture {
  private chunks: string[] = [];
  private restore: (() => void) | undefined;

  start(): void {
    if (this.restore) return;
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((stream) => stream.write);
    for (const stream of streams) {
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
        );
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
    }
    this.restore = () => {
      streams.forEach((stream, at) => {
        stream.write = originals[at] as typeof stream.write;
      });
    };
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  text(): string {
    return this.chunks.join('');
  }
}

export interface HostileStack {
  harness: TestStack;
  config: Config;
  deps: Dependencies;
  web: WebHandler;
  /** Calls the handler; a rejection (a crash) is the caller's to report. */
  call(request: HostileRequest): Promise<HttpResponse>;
  browser(): HandlerBrowser;
  /**
   * Another web handler on the same services, built from the same settings with `overrides`
   * (another secret list, another firm name): what a redeploy with that configuration runs.
   */
  handlerWith(overrides: Record<string, string>): { deps: Dependencies; web: WebHandler };
  /** The local operator and their password. */
  operator: { email: string; password: string };
  output: OutputCapture;
  stop(): Promise<void>;
}

/**
 * Starts the stack with every log level on (the stress config silences logs; a log scan needs
 * them) and captures the process's output until `stop`.
 */
export async function startHostileStack(env: Record<string, string> = {}): Promise<HostileStack> {
  const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const output = new OutputCapture();
  output.start();
  let harness: TestStack | undefined;
  try {
    harness = await startTestStack(
      { POWERTOOLS_LOG_LEVEL: 'DEBUG', ...env },
      { passwordParams: CHEAP_PASSWORDS },
    );
    const endpoints = readEndpoints(harness.stack.dataDir);
    if (!endpoints) throw new Error('the local stack wrote no endpoints file');
    const settings = { ...endpoints.settings, ...harness.stack.secrets };
    const build = (overrides: Record<string, string>) => {
      const deps = buildDependencies(loadConfig({ ...settings, ...overrides }), {
        clock: new VirtualClock(endpoints.clockFile),
        passwordParams: CHEAP_PASSWORDS,
        log: new PowertoolsLog(new Logger({ serviceName: 'farewell', logLevel: 'DEBUG' })),
      });
      return { deps, web: createWebHandler(deps.web) };
    };
    const config = loadConfig(settings);
    const { deps, web } = build({});
    const first = harness.stack.operator;
    if (first.password.source !== 'generated') throw new Error('expected a generated password');
    const started = harness;
    return {
      harness: started,
      config,
      deps,
      web,
      call: (request) => web(apiEvent(request)),
      browser: () => new HandlerBrowser(web),
      handlerWith: build,
      operator: { email: first.email, password: first.password.value },
      output,
      async stop() {
        await started.stop();
        output.stop();
        if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
        else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
      },
    };
  } catch (error) {
    await harness?.stop();
    output.stop();
    throw error;
  }
}

/** The stack's secrets, by name, for a log scan. */
export function stackSecrets(stack: HostileStack): Record<string, string> {
  const { secrets } = stack.harness.stack;
  return {
    'webhook secret': secrets.FAREWELL_WEBHOOK_SECRETS,
    'link key': secrets.FAREWELL_LINK_KEYS,
    'suppression key': secrets.FAREWELL_SUPPRESSION_KEY,
    'session key': secrets.FAREWELL_SESSION_KEY,
    'operator password': secrets.FAREWELL_OPERATOR_PASSWORD,
  };
}
