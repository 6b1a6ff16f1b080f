/** Where the console sends an operator after signing in, or after a local time travel. */
export const HOME = '/admin/exits';

const MAX_LENGTH = 512;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u0020\u007f\\]|\/\/|%2f|%5c/i;

/**
 * A `next` path that stays inside the console: it must start with `/admin` (then end, `/`, `?`
 * or `#`), hold no `//`, backslash, encoded slash, whitespace or control character, and resolve
 * to our own origin. Anything else (`//evil.example`, `https://…`, `/\evil`, `/admin.evil`)
 * gives `HOME`: an open redirect would lend the console's address to a phishing link.
 */
export function safeNext(value: string | undefined): string {
  if (!value || value.length > MAX_LENGTH || UNSAFE.test(value)) return HOME;
  if (!/^\/admin(?:[/?#]|$)/.test(value)) return HOME;
  const base = 'https://console.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return HOME;
  }
  if (url.origin !== base || !/^\/admin(?:\/|$)/.test(url.pathname)) return HOME;
  if (url.pathname === '/admin/sign-in') return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}
