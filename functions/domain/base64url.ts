/**
 * Strict base64url: Node's decoder skips characters outside the alphabet and ignores unused low
 * bits, so several spellings decode alike. A token must be the one spelling we gave out.
 */
export function decodeBase64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
