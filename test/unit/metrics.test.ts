import { afterEach, describe, expect, it, vi } from 'vitest';

const ENV = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_DEV'] as const;
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  vi.restoreAllMocks();
  vi.resetModules();
});

/** The embedded-metric-format line one wrapped invocation prints, with the environment given. */
async function emitted(env: Partial<Record<(typeof ENV)[number], string>>): Promise<unknown> {
  for (const name of ENV) delete process.env[name];
  Object.assign(process.env, env);
  vi.resetModules();
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const { withMetrics } = await import('../../functions/lambda/metrics.js');
  await withMetrics(
    async () => 'done',
    () => ({ Sent: 1 }),
  )({});
  vi.restoreAllMocks();
  const line = lines.find((text) => text.includes('"_aws"'));
  expect(line).toBeDefined();
  return JSON.parse(line ?? '{}');
}

describe('metrics', () => {
  it('carry the stage in the service name the function is deployed with', async () => {
    const metric = (await emitted({
      POWERTOOLS_SERVICE_NAME: 'farewell-prod',
      POWERTOOLS_METRICS_NAMESPACE: 'Farewell',
    })) as { service: string; _aws: { CloudWatchMetrics: { Namespace: string }[] } };

    expect(metric.service).toBe('farewell-prod');
    expect(metric._aws.CloudWatchMetrics[0]?.Namespace).toBe('Farewell');
  });

  it('fall back to farewell in the Farewell namespace where nothing names them', async () => {
    const metric = (await emitted({})) as {
      service: string;
      _aws: { CloudWatchMetrics: { Namespace: string }[] };
    };

    expect(metric.service).toBe('farewell');
    expect(metric._aws.CloudWatchMetrics[0]?.Namespace).toBe('Farewell');
  });
});
