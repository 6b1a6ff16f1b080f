/**
 * A value built on first use, standing in for it meanwhile: `lazy(() => z.object({ … }))` is used
 * as the schema itself (`schema.safeParse(…)`), but nothing is built at import. Every Lambda
 * imports these modules at cold start, and a function that never parses a survey or a webhook
 * should not pay for building their schemas (or for the Intl data a message formats with).
 * For objects whose members are read, not passed on as a whole (a proxy is not the value).
 */
export function lazy<T extends object>(build: () => T): T {
  let value: T | undefined;
  const get = (): T => {
    value ??= build();
    return value;
  };
  return new Proxy({} as T, {
    get(_target, key) {
      const built = get();
      const member: unknown = Reflect.get(built, key, built);
      return typeof member === 'function' ? member.bind(built) : member;
    },
    has: (_target, key) => Reflect.has(get(), key),
  });
}
