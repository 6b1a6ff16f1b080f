/** The firm's identity in every email. */
export interface Branding {
  firmName: string;
  /** The closing line under each email, e.g. "Grace Hopper, Northwind Consulting". */
  signature: string;
  /** An https image shown in the header instead of the firm's name. */
  logoUrl?: string;
  /** `#rrggbb` for buttons and the card's top rule. */
  accent?: string;
  /** Shown in the footer when given (anti-spam laws ask for one in marketing email). */
  postalAddress?: string;
}

/** A calm blue: 6.8:1 contrast with white button text (WCAG AA). */
export const DEFAULT_ACCENT = '#1f5f8b';

/**
 * The configuration's branding settings, as `config.ts` names them. Spelled out here, not
 * imported: rendering knows no config module, the composition root passes the parsed config in.
 */
export interface BrandingSettings {
  FAREWELL_FIRM_NAME: string;
  FAREWELL_SENDER_NAME?: string;
  FAREWELL_SIGNATURE?: string;
  FAREWELL_BRAND_LOGO_URL?: string;
  FAREWELL_BRAND_ACCENT?: string;
  FAREWELL_POSTAL_ADDRESS?: string;
}

/** The branding settings of the configuration, with the signature falling back to the sender. */
export function brandingFromConfig(config: BrandingSettings): Branding {
  return {
    firmName: config.FAREWELL_FIRM_NAME,
    signature:
      config.FAREWELL_SIGNATURE ?? config.FAREWELL_SENDER_NAME ?? config.FAREWELL_FIRM_NAME,
    ...(config.FAREWELL_BRAND_LOGO_URL ? { logoUrl: config.FAREWELL_BRAND_LOGO_URL } : {}),
    ...(config.FAREWELL_BRAND_ACCENT ? { accent: config.FAREWELL_BRAND_ACCENT } : {}),
    ...(config.FAREWELL_POSTAL_ADDRESS ? { postalAddress: config.FAREWELL_POSTAL_ADDRESS } : {}),
  };
}

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.039_28 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White or near-black, whichever reads better on the accent (WCAG contrast ratio). */
export function textColourOn(accent: string): '#ffffff' | '#111111' {
  const background = luminance(accent);
  const onWhite = 1.05 / (background + 0.05);
  const onDark = (background + 0.05) / (luminance('#111111') + 0.05);
  return onWhite >= onDark ? '#ffffff' : '#111111';
}
