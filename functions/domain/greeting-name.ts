// Words that open a name without being the person's given name: greeting "Dear Dr" or "Dear Herr"
// would be wrong, so a name that starts with one is used whole.
const TITLES = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'mx',
  'miss',
  'prof',
  'professor',
  'sir',
  'dame',
  'lord',
  'lady',
  'rev',
  'herr',
  'frau',
  'fr',
  'hr',
  'ing',
  'mag',
  'm',
  'mme',
  'mlle',
  'monsieur',
  'madame',
  'sr',
  'sra',
  'srta',
  'don',
  'doña',
  'dona',
  'sig',
  'signor',
  'signora',
  'dott',
  'the',
]);

// Scripts written without spaces between family and given name (or where the family name comes
// first): the first "word" is not a given name there.
const NO_SPACE_SCRIPTS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

// A plain given name: letters, optionally joined by a hyphen or apostrophe (Jean-Luc, D'Arcy).
const PLAIN_GIVEN_NAME = /^\p{L}{2,}(?:[-'’]\p{L}+)*$/u;

/**
 * The name a greeting and a subject use when the caller gave none: the first word of the name
 * when it is plainly a given name ("Maximilian" of a long name with titles after it), otherwise
 * the whole name, which is never wrong, only long.
 */
export function defaultGreetingName(name: string): string {
  const words = name.trim().split(/\s+/u);
  const first = words[0] ?? '';
  if (words.length < 2 || name.includes(',') || NO_SPACE_SCRIPTS.test(name)) return name;
  if (!PLAIN_GIVEN_NAME.test(first) || TITLES.has(first.toLowerCase())) return name;
  return first;
}

/** The name to greet a client by: theirs when given, else the safe default. */
export function greetingNameOf(client: { name: string; greetingName?: string }): string {
  return client.greetingName ?? defaultGreetingName(client.name);
}
