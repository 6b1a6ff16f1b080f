import { afterAll, beforeAll } from 'vitest';

/** Anything a test file starts once and stops at its end: a stack, a harness. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts `start()` before the file's first test and stops it after its last, and returns a
 * stand-in that forwards every property to what was started (methods bound to it). A file then
 * names its stack once, `const stack = startForFile(startStressStack)`, instead of repeating
 * `let stack; beforeAll(…); afterAll(…)`. Reading the stand-in before `beforeAll` ran (at module
 * level) throws, as reading the unset variable would have failed.
 */
export function startForFile<T extends Stoppable>(start: () => Promise<T>, timeoutMs?: number): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): T => {
    if (!started) throw new Error('read before the file started it (use it inside a test or hook)');
    return started;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const instance = current();
      const value: unknown = Reflect.get(instance, key);
      return typeof value === 'function' ? value.bind(instance) : value;
    },
    set(_, key, value) {
      return Reflect.set(current(), key, value);
    },
    has(_, key) {
      return Reflect.has(current(), key);
    },
  });
}
