import { describe, expect, it } from 'vitest';
import { asyncInvoker } from '../../infra/local/async-invoke.js';
import { waitFor } from '../support/ports.js';

/** A function that fails its first `failures` calls, then succeeds; it records every call. */
function flaky(failures: number) {
  const calls: unknown[] = [];
  const run = async (payload: unknown) => {
    calls.push(payload);
    if (calls.length <= failures) throw new Error(`failure ${calls.length}`);
  };
  return { calls, run };
}

describe('local Lambda asynchronous invocation', () => {
  it('runs once and plans nothing when the function succeeds', async () => {
    const fn = flaky(0);
    const invoker = asyncInvoker(fn.run, { retryDelaysMs: [5, 10] });

    await invoker.invoke({ step: 'notice' });

    expect(fn.calls).toEqual([{ step: 'notice' }]);
    expect(invoker.pending()).toBe(0);
    await invoker.stop();
  });

  it('rethrows a failure, then retries later with the same event until it succeeds', async () => {
    const fn = flaky(2);
    const failed: [number, boolean][] = [];
    const invoker = asyncInvoker(fn.run, {
      retryDelaysMs: [5, 10],
      onFailure: (_error, attempt, final) => failed.push([attempt, final]),
    });

    await expect(invoker.invoke({ step: 'notice' })).rejects.toThrow('failure 1');
    expect(invoker.pending()).toBe(1);
    await waitFor(async () => (invoker.pending() === 0 ? true : undefined), 2_000, 5);

    expect(fn.calls).toEqual([{ step: 'notice' }, { step: 'notice' }, { step: 'notice' }]);
    expect(failed).toEqual([
      [1, false],
      [2, false],
    ]);
    await invoker.stop();
  });

  it('gives up after the last retry, as Lambda does before the dead-letter queue', async () => {
    const fn = flaky(10);
    const failed: [number, boolean][] = [];
    const invoker = asyncInvoker(fn.run, {
      retryDelaysMs: [5, 10],
      onFailure: (_error, attempt, final) => failed.push([attempt, final]),
    });

    await expect(invoker.invoke('event')).rejects.toThrow();
    await invoker.settled();

    expect(fn.calls).toHaveLength(3);
    expect(failed).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    await invoker.stop();
  });

  it('cancels waiting retries on stop', async () => {
    const fn = flaky(10);
    const invoker = asyncInvoker(fn.run, { retryDelaysMs: [50, 50] });

    await expect(invoker.invoke('event')).rejects.toThrow();
    await invoker.stop();
    await new Promise((resolve) => setTimeout(resolve, 120));

    expect(fn.calls).toHaveLength(1);
    expect(invoker.pending()).toBe(0);
  });
});
