import { createHash } from 'node:crypto';
import { type Branding, DEFAULT_ACCENT, textColourOn } from './branding.js';
import { consoleScript, pageStylesheet, precompiledPages } from './generated/page-templates.js';
import { loadPageTemplates, type PageName, type PageTemplates } from './page-templates.js';
import type { PageFrame, PageViews } from './page-views.js';

/** Where the stylesheet is served; its URL carries a content hash. */
export const STYLESHEET_PATH = '/assets/app.css';
/** Where the console's script is served (`script-src 'self'`: never inline). */
export const CONSOLE_SCRIPT_PATH = '/assets/console.js';

export interface Stylesheet {
  css: string;
  hash: string;
  href: string;
}

/**
 * The stylesheet compiled in at build time, with the firm's accent prepended as CSS variables:
 * built once per cold start, never read from a file at request time.
 */
export function brandedStylesheet(branding: Pick<Branding, 'accent'>): Stylesheet {
  const accent = branding.accent ?? DEFAULT_ACCENT;
  const css = `:root{--accent:${accent};--accent-text:${textColourOn(accent)}}\n${pageStylesheet}\n`;
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 16);
  return { css, hash, href: `${STYLESHEET_PATH}?v=${hash}` };
}

/** A static file served from our origin, with a content hash in its URL. */
export interface HashedAsset {
  body: string;
  hash: string;
  href: string;
}

function hashed(path: string, body: string): HashedAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { body, hash, href: `${path}?v=${hash}` };
}

let builtIn: PageTemplates | undefined;

/** The templates compiled at build time, instantiated once per cold start. */
function builtInPages(): PageTemplates {
  builtIn ??= loadPageTemplates(precompiledPages);
  return builtIn;
}

/**
 * Renders the server-side pages from templates precompiled strict: a value a page uses that its
 * view lacks throws. Every value is HTML-escaped (`{{ }}` only; the build refuses `{{{ }}}`).
 */
export class PageRenderer {
  readonly stylesheet: Stylesheet;
  /** The console's script, compiled in like the stylesheet. */
  readonly script: HashedAsset = hashed(CONSOLE_SCRIPT_PATH, consoleScript);
  private readonly templates: PageTemplates;

  /** The firm's name, for pages that speak of it. */
  get brandName(): string {
    return this.branding.firmName;
  }

  constructor(
    private readonly branding: Branding,
    templates?: PageTemplates,
  ) {
    this.templates = templates ?? builtInPages();
    this.stylesheet = brandedStylesheet(branding);
  }

  render<Name extends PageName>(
    name: Name,
    page: { title: string; lang?: string },
    view: PageViews[Name],
  ): string {
    // Indexing a mapped type by a generic key loses the pairing of name and view; restore it.
    const template = this.templates[name] as unknown as (
      view: PageViews[Name] & PageFrame,
    ) => string;
    return template({
      ...view,
      lang: page.lang ?? 'en',
      title: page.title,
      stylesheet: this.stylesheet.href,
      brand: {
        firmName: this.branding.firmName,
        logoUrl: this.branding.logoUrl ?? null,
        postalAddress: this.branding.postalAddress ?? null,
      },
    });
  }
}
