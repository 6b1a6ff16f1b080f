/**
 * Keeps what `Set-Cookie` lines say in `jar`, as a browser does: a cookie set to an empty value or
 * with `Max-Age=0` is dropped.
 */
export function storeCookies(jar: Map<string, string>, setCookies: readonly string[]): void {
  for (const line of setCookies) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (/Max-Age=0(;|$)/.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}
