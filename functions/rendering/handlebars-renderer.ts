import type { DigestRenderer, DigestView } from '../domain/digest-ports.js';
import type { Exit, Step, SurveyResponse } from '../domain/exit.js';
import type {
  Clock,
  EmailRenderer,
  OperatorAlertRenderer,
  RenderedEmail,
} from '../domain/ports.js';
import type { Branding } from './branding.js';
import { type EmailTemplates, loadEmailTemplates } from './email-templates.js';
import { type EmailName, type EmailViews, type LinkSettings, prepareEmail } from './email-views.js';
import { precompiledEmails } from './generated/email-templates.js';
import { prepareOperatorAlert } from './operator-alert-view.js';
import { prepareOperatorDigest } from './operator-digest-view.js';

export interface RendererOptions {
  branding: Branding;
  links: LinkSettings;
  clock: Clock;
  /** The compiled templates; the ones built from `templates/emails` unless a test passes others. */
  templates?: EmailTemplates;
}

// Control characters (CR, LF, tab, C1) and Unicode line separators: never inside a header.
const HEADER_BREAKS = /[\p{Cc}\u2028\u2029]+/gu;

/** One line fit for a header: line breaks and other control characters become spaces. */
export function toHeaderText(value: string): string {
  return value.replace(HEADER_BREAKS, ' ').replace(/\s+/g, ' ').trim();
}

/** Plain text that reads well: no trailing spaces, at most one blank line in a row. */
function tidyText(text: string): string {
  const lines = text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n');
  return `${lines.trim()}\n`;
}

let builtIn: EmailTemplates | undefined;

/** The templates compiled at build time, instantiated once per cold start. */
export function builtInTemplates(): EmailTemplates {
  builtIn ??= loadEmailTemplates(precompiledEmails);
  return builtIn;
}

function renderEmail<Name extends EmailName>(
  templates: EmailTemplates,
  email: { name: Name; view: EmailViews[Name] },
): RenderedEmail {
  const parts = templates[email.name];
  const subject = toHeaderText(parts.subject(email.view));
  const preheader = toHeaderText(parts.preheader(email.view));
  const framed = { ...email.view, subject, preheader };
  const unsubscribeUrl = email.view.footer.unsubscribeUrl;
  return {
    subject,
    html: parts.html(framed),
    text: tidyText(parts.text(framed)),
    // RFC 8058 one-click unsubscribe, on the emails a client may refuse.
    ...(unsubscribeUrl
      ? {
          headers: {
            'List-Unsubscribe': `<${unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        }
      : {}),
  };
}

/**
 * Renders a step's email from templates precompiled at build time in strict mode: a template
 * that uses a value its view lacks throws instead of printing ''. HTML escapes every value;
 * subject, preheader and text are plain text, so they are not escaped (and never used as HTML:
 * the layout prints subject and preheader through escaping `{{ }}`).
 */
export class HandlebarsRenderer implements EmailRenderer, OperatorAlertRenderer, DigestRenderer {
  private readonly templates: EmailTemplates;

  constructor(private readonly options: RendererOptions) {
    this.templates = options.templates ?? builtInTemplates();
  }

  render(exit: Exit, step: Step): RenderedEmail {
    const { branding, links, clock } = this.options;
    return renderEmail(
      this.templates,
      prepareEmail(exit, step, { branding, links, now: clock.now() }),
    );
  }

  renderOperatorAlert(exit: Exit, response: SurveyResponse, reasons: string[]): RenderedEmail {
    const { branding, links, clock } = this.options;
    return renderEmail(
      this.templates,
      prepareOperatorAlert(exit, response, reasons, { branding, links, now: clock.now() }),
    );
  }

  renderDigest(digest: DigestView): RenderedEmail {
    const { branding, links, clock } = this.options;
    return renderEmail(
      this.templates,
      prepareOperatorDigest(digest, { branding, links, now: clock.now() }),
    );
  }
}
