import { describe, expect, it, vi } from 'vitest';

/**
 * Every Lambda imports these modules at cold start; a function that never parses a survey, a
 * webhook or an SES event must not build their schemas (nor format a number with Intl for one of
 * their messages) while it starts. Counts the schemas zod builds, at import and at first use.
 */
const built = vi.hoisted(() => ({ count: 0 }));

vi.mock('zod', async (importOriginal) => {
  const actual = await importOriginal<typeof import('zod')>();
  const counted = <F extends (...args: never[]) => unknown>(make: F): F =>
    ((...args: Parameters<F>) => {
      built.count += 1;
      return make(...args);
    }) as F;
  const z = Object.create(actual.z) as typeof actual.z;
  for (const name of ['object', 'string', 'unknown', 'union', 'email', 'record'] as const) {
    Object.defineProperty(z, name, { value: counted(actual.z[name]) });
  }
  return { ...actual, z };
});

describe('modules every function imports at cold start', () => {
  it('build no zod schema and touch no Intl number format until first used', async () => {
    // The sequence is validated at every cold start (the stage's, from FAREWELL_SEQUENCE): its
    // schema is built then by design.
    await import('../../config/sequence.js');
    const atStart = built.count;
    const numberFormat = vi.spyOn(Number.prototype, 'toLocaleString');
    const modules = await Promise.all([
      import('../../functions/handlers/step-event.js'),
      import('../../functions/handlers/ses-events.js'),
      import('../../functions/handlers/webhooks.js'),
      import('../../functions/domain/survey.js'),
      import('../../functions/domain/exit-request.js'),
      import('../../functions/domain/operator.js'),
    ]);
    expect({ schemas: built.count - atStart, intl: numberFormat.mock.calls.length }).toEqual({
      schemas: 0,
      intl: 0,
    });

    const [stepEvent] = modules;
    expect(stepEvent.parseStepEvent({ exitId: 'x1', stepId: 'notice' })).toEqual({
      exitId: 'x1',
      stepId: 'notice',
    });
    expect(built.count).toBeGreaterThan(atStart);
    numberFormat.mockRestore();
  });
});
