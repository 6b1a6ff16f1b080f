import type Handlebars from 'handlebars';
// Only the runtime: the compiler stays at build time (scripts/build-templates.ts).
import handlebarsRuntime from 'handlebars/runtime.js';
import type { TemplateSpec } from './email-templates.js';
import type { PageFrame, PageViews } from './page-views.js';

/**
 * Every server-rendered page; each is `templates/pages/{name}.html.hbs` inside the layout:
 * `layout.html.hbs` for the client pages, `console/layout.html.hbs` for the operator console's.
 */
export const PAGE_NAMES = [
  'survey',
  'survey-thanks',
  'preferences',
  'unsubscribed',
  'message',
  'handover',
  'console/sign-in',
  'console/message',
  'console/exits',
  'console/exit-new',
  'console/exit',
  'console/exit-erase',
  'console/exit-cancel',
  'console/insights',
  'exit-record',
] as const;
export type PageName = (typeof PAGE_NAMES)[number];

export type PrecompiledPages = Record<PageName, TemplateSpec>;

export type PageTemplates = {
  [Name in PageName]: (view: PageViews[Name] & PageFrame) => string;
};

const runtime = handlebarsRuntime as unknown as Pick<typeof Handlebars, 'create'>;

/** Turns precompiled specs into template functions in an isolated Handlebars environment. */
export function loadPageTemplates(specs: PrecompiledPages): PageTemplates {
  const env = runtime.create();
  const entries = PAGE_NAMES.map((name) => {
    const template = env.template<unknown>(specs[name]);
    return [name, (view: unknown) => template(view)] as const;
  });
  // Each entry pairs a name with its own spec; the mapped type cannot see that through `map`.
  return Object.fromEntries(entries) as unknown as PageTemplates;
}
