import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { ConfigError } from '../../functions/domain/errors.js';
import { brandingFromConfig, textColourOn } from '../../functions/rendering/branding.js';
import { validSettings } from '../support/settings.js';
import { thrownBy } from '../support/thrown.js';

const env = (extra: Record<string, string> = {}) =>
  validSettings({ FAREWELL_PUBLIC_URL: 'https://farewell.example', ...extra });

function failure(variables: Record<string, string>): string {
  return thrownBy(ConfigError, () => loadConfig(env(variables))).message;
}

describe('branding from the configuration', () => {
  it('reads logo, accent, postal address and signature', () => {
    const config = loadConfig(
      env({
        FAREWELL_BRAND_LOGO_URL: 'https://cdn.acme.example/logo.png',
        FAREWELL_BRAND_ACCENT: '#aa3300',
        FAREWELL_POSTAL_ADDRESS: '1 Example Street, Springfield',
        FAREWELL_SIGNATURE: 'Grace Hopper, Acme Consulting',
      }),
    );

    expect(brandingFromConfig(config)).toEqual({
      firmName: 'Acme Consulting',
      signature: 'Grace Hopper, Acme Consulting',
      logoUrl: 'https://cdn.acme.example/logo.png',
      accent: '#aa3300',
      postalAddress: '1 Example Street, Springfield',
    });
  });

  it('signs with the sender name, then the firm name, when no signature is set', () => {
    const withSender = loadConfig(env({ FAREWELL_SENDER_NAME: 'Grace at Acme' }));
    const bare = loadConfig(env());

    expect(brandingFromConfig(withSender).signature).toBe('Grace at Acme');
    expect(brandingFromConfig(bare)).toEqual({
      firmName: 'Acme Consulting',
      signature: 'Acme Consulting',
    });
  });

  it('refuses a logo that is not https', () => {
    expect(failure({ FAREWELL_BRAND_LOGO_URL: 'http://cdn.acme.example/logo.png' })).toContain(
      'FAREWELL_BRAND_LOGO_URL: must be an https URL',
    );
  });

  it.each(['red', '#abc', 'aa3300', '#aa330g'])('refuses the accent colour %s', (accent) => {
    expect(failure({ FAREWELL_BRAND_ACCENT: accent })).toContain(
      'FAREWELL_BRAND_ACCENT: must be a colour',
    );
  });

  it.each(['FAREWELL_POSTAL_ADDRESS', 'FAREWELL_SIGNATURE'])(
    'refuses a line break in %s',
    (name) => {
      expect(failure({ [name]: 'Acme\nBcc: x@evil.example' })).toContain(
        `${name}: must be a single line`,
      );
    },
  );
});

describe('button text colour', () => {
  it.each([
    ['#1f5f8b', '#ffffff'],
    ['#000000', '#ffffff'],
    ['#ffd60a', '#111111'],
    ['#ffffff', '#111111'],
  ])('puts %s buttons in %s text', (accent, text) => {
    expect(textColourOn(accent)).toBe(text);
  });
});
