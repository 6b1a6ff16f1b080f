/** A class of error, for `thrownBy`. */
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/**
 * The error `act` throws, when it is a `type`; anything else it throws propagates, and throwing
 * nothing fails the test. For tests that read what an error says, not only that one was thrown.
 */
export function thrownBy<E extends Error>(type: ErrorClass<E>, act: () => unknown): E {
  try {
    act();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
