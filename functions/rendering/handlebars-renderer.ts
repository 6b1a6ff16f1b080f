import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Exit, Step } from '../domain/exit.js';
import type { Clock, EmailRenderer, RenderedEmail } from '../domain/ports.js';
import { type Branding, buildEmailView, type EmailView, type LinkSettings } from './email-view.js';

type Template = (view: object) => string;

interface EmailTemplates {
  subject: Template;
  html: Template;
  text: Template;
}

const TEMPLATE_NAMES = [
  'notice-firm',
  'notice-client',
  'gratitude',
  'survey',
  'survey-reminder',
  'check-in',
] as const;
type TemplateName = (typeof TEMPLATE_NAMES)[number];

export function templateFor(exit: Exit, step: Step): TemplateName {
  if (step.kind === 'notice') return exit.initiatedBy === 'firm' ? 'notice-firm' : 'notice-client';
  return step.kind;
}

/**
 * Renders emails from the Handlebars templates in `templates/emails`, compiled once in strict
 * mode: a template that uses a value the view does not provide throws instead of printing ''.
 * HTML escapes every value; subjects and plain text are not HTML, so they are not escaped.
 */
export class HandlebarsRenderer implements EmailRenderer {
  private readonly templates: Map<TemplateName, EmailTemplates>;
  private readonly layout: Template;

  constructor(
    templateDir: URL,
    private readonly branding: Branding,
    private readonly links: LinkSettings,
    private readonly clock: Clock,
  ) {
    const hbs = Handlebars.create();
    const load = (file: string, escapeHtml: boolean): Template =>
      hbs.compile(readFileSync(new URL(file, templateDir), 'utf8'), {
        strict: true,
        noEscape: !escapeHtml,
      });
    this.layout = load('layout.html.hbs', true);
    this.templates = new Map(
      TEMPLATE_NAMES.map((name) => [
        name,
        {
          subject: load(`${name}.subject.hbs`, false),
          html: load(`${name}.html.hbs`, true),
          text: load(`${name}.text.hbs`, false),
        },
      ]),
    );
  }

  render(exit: Exit, step: Step): RenderedEmail {
    const view: EmailView = buildEmailView(exit, step, this.branding, this.links, this.clock.now());
    const templates = this.templates.get(templateFor(exit, step));
    if (!templates) throw new Error(`No email template for step kind ${step.kind}`);
    const subject = templates.subject(view).replace(/\s+/g, ' ').trim();
    const body = templates.html(view);
    return {
      subject,
      html: this.layout({ lang: view.lang, subject, body }),
      text: `${templates
        .text(view)
        .replace(/\n{3,}/g, '\n\n')
        .trim()}\n`,
    };
  }
}
