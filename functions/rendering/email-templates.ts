import type Handlebars from 'handlebars';
// Only the runtime: the compiler stays at build time (scripts/build-templates.ts).
import handlebarsRuntime from 'handlebars/runtime.js';
import type { EmailName, EmailViews, Framed } from './email-views.js';

export type { EmailName };

/** Every email Farewell sends: one per step kind (two for the notice), and the operator alert. */
export const EMAIL_NAMES = [
  'notice-firm',
  'notice-client',
  'gratitude',
  'survey',
  'survey-reminder',
  'check-in',
  'date-change',
  'survey-answer',
  'operator-digest',
] as const satisfies readonly EmailName[];

/**
 * The four templates of an email. `subject` and `preheader` are one line of plain text, `html`
 * the whole document (layout included, CSS inlined), `text` the plain-text part.
 */
export const EMAIL_PARTS = ['subject', 'preheader', 'html', 'text'] as const;
export type EmailPart = (typeof EMAIL_PARTS)[number];

/** What `Handlebars.precompile` produced, as a value (see the generated module). */
export type TemplateSpec = Parameters<(typeof Handlebars)['template']>[0];
export type PrecompiledEmails = Record<EmailName, Record<EmailPart, TemplateSpec>>;

export type Template<View> = (view: View) => string;

export interface EmailTemplateSet<View> {
  subject: Template<View>;
  preheader: Template<View>;
  html: Template<Framed<View>>;
  text: Template<Framed<View>>;
}

/** The compiled templates, each typed with the view of its email. */
export type EmailTemplates = { [Name in EmailName]: EmailTemplateSet<EmailViews[Name]> };

// `handlebars/runtime.d.ts` declares no exports; at run time the module is the Handlebars runtime.
const runtime = handlebarsRuntime as unknown as Pick<typeof Handlebars, 'create'>;

/**
 * Turns precompiled specs into template functions, in an isolated Handlebars environment with no
 * helpers or partials beyond the built-in ones (templates are compiled `knownHelpersOnly`).
 */
export function loadEmailTemplates(specs: PrecompiledEmails): EmailTemplates {
  const env = runtime.create();
  const load = <View>(spec: TemplateSpec): Template<View> => {
    const template = env.template<View>(spec);
    return (view) => template(view);
  };
  const set = <View>(parts: Record<EmailPart, TemplateSpec>): EmailTemplateSet<View> => ({
    subject: load<View>(parts.subject),
    preheader: load<View>(parts.preheader),
    html: load<Framed<View>>(parts.html),
    text: load<Framed<View>>(parts.text),
  });
  return {
    'notice-firm': set(specs['notice-firm']),
    'notice-client': set(specs['notice-client']),
    gratitude: set(specs.gratitude),
    survey: set(specs.survey),
    'survey-reminder': set(specs['survey-reminder']),
    'check-in': set(specs['check-in']),
    'date-change': set(specs['date-change']),
    'survey-answer': set(specs['survey-answer']),
    'operator-digest': set(specs['operator-digest']),
  };
}
