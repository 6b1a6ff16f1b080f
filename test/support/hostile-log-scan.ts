/**
 * The log scan: what a run wrote must hold no email address, link token, session token, CSRF
 * token, webhook secret or key. Each secret is looked for as it is and in the forms a log could
 * show it in (lower-cased, JSON-escaped, URL-encoded, a token's signature alone).
 */

/** Text that looks like an email address (what `redact` in powertools-log.ts also looks for). */
export const EMAIL_LIKE = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/g;

/** The forms of one secret a log might show. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, secret.toLowerCase(), encodeURIComponent(secret)]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  // A signed token's signature, a whsec_'s key, are secrets on their own.
  for (const part of secret.split(/[.]/)) if (part.length >= 16) forms.add(part);
  if (secret.startsWith('whsec_')) forms.add(secret.slice('whsec_'.length));
  return [...forms].filter((form) => form.length >= 8);
}

export interface LogFinding {
  /** Which secret (its label, never its value). */
  what: string;
  /** The line, with the secret masked. */
  line: string;
}

/** Every line of `text` that shows one of `secrets` (label → value), the value masked. */
export function secretsIn(text: string, secrets: Record<string, string>): LogFinding[] {
  const findings: LogFinding[] = [];
  const lines = text.split('\n');
  for (const [what, secret] of Object.entries(secrets)) {
    if (!secret) continue;
    const forms = formsOf(secret);
    for (const line of lines) {
      const lower = line.toLowerCase();
      const form = forms.find(
        (candidate) => line.includes(candidate) || lower.includes(candidate.toLowerCase()),
      );
      if (form) findings.push({ what, line: line.split(form).join('[…]').slice(0, 300) });
    }
  }
  return findings;
}

/** Every email-like string in `text` (none may be in logs). */
export function addressesIn(text: string): string[] {
  return [...text.matchAll(EMAIL_LIKE)].map((match) => match[0]);
}
