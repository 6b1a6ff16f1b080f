import { describe, expect, it } from 'vitest';
import { parseExitRequest } from '../../functions/domain/exit-request.js';
import { canonicalZone, canonicalZones } from '../../functions/domain/time-zones.js';

describe('time zone names', () => {
  it('offers the current names, not the old ones the runtime lists', () => {
    const zones = canonicalZones();

    expect(zones).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Europe/Kyiv', 'UTC']));
    expect(zones).not.toContain('Asia/Calcutta');
    expect(zones).not.toContain('Europe/Kiev');
    expect(new Set(zones).size).toBe(zones.length);
  });

  it('accepts an old name on input and stores the current one', () => {
    const request = parseExitRequest({
      client: { name: 'Ravi', email: 'ravi@client.example', timezone: 'Asia/Calcutta' },
      initiatedBy: 'client',
    });

    expect(request.client.timezone).toBe('Asia/Kolkata');
    expect(canonicalZone('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(canonicalZone('Europe/Paris')).toBe('Europe/Paris');
  });
});

describe('canonicalZone on prototype keys', () => {
  it('leaves a name such as "toString" as it is, for the zone check to refuse', () => {
    expect(canonicalZone('toString')).toBe('toString');
    expect(canonicalZone('__proto__')).toBe('__proto__');
  });
});
