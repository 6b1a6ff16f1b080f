import type Handlebars from 'handlebars';
// Only the runtime: the compiler stays at build time (scripts/build-templates.ts).
import handlebarsRuntime from 'handlebars/runtime.js';
import type { TemplateSpec } from './email-templates.js';
import type { PageFrame, PageViews } from './page-views.js';

/** Every server-rendered page; each is `templates/pages/{name}.html.hbs` inside the layout. */
export const PAGE_NAMES = [
  'survey',
  'survey-thanks',
  'preferences',
  'unsubscribed',
  'message',
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
  const load = <View>(spec: TemplateSpec) => {
    const template = env.template<View>(spec);
    return (view: View) => template(view);
  };
  return {
    survey: load(specs.survey),
    'survey-thanks': load(specs['survey-thanks']),
    preferences: load(specs.preferences),
    unsubscribed: load(specs.unsubscribed),
    message: load(specs.message),
  };
}
