/**
 * Current IANA names for time zones. The runtime's ICU lists some zones under names IANA has
 * since replaced (Asia/Calcutta for Asia/Kolkata, Europe/Kiev for Europe/Kyiv): we offer and
 * store the current name, and accept the old one by mapping it.
 */
const LEGACY_TO_CANONICAL: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** The current name of a zone (an old name mapped, any other returned as given). */
export function canonicalZone(name: string): string {
  // Own keys only: a zone named "toString" must not find Object.prototype.toString.
  return Object.hasOwn(LEGACY_TO_CANONICAL, name) ? (LEGACY_TO_CANONICAL[name] ?? name) : name;
}

/** The old name ICU may report for a current one (a browser's own zone), if any. */
export function legacyNameOf(canonical: string): string | undefined {
  return Object.entries(LEGACY_TO_CANONICAL).find(([, current]) => current === canonical)?.[0];
}

let zones: string[] | undefined;
/** Every zone this runtime knows, by its current name, sorted; computed once. */
export function canonicalZones(): string[] {
  zones ??= [...new Set([...Intl.supportedValuesOf('timeZone').map(canonicalZone), 'UTC'])].sort();
  return zones;
}
