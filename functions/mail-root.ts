import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from './adapters/ses-mailer.js';
import type { Mailer } from './domain/ports.js';
import { brandingFromConfig } from './rendering/branding.js';
import { HandlebarsRenderer } from './rendering/handlebars-renderer.js';
import type { Shared } from './shared-root.js';

/** Sending and rendering email: only the functions that mail build it (not reconcile, ses-events). */
export interface Mail {
  mailer: Mailer;
  renderer: HandlebarsRenderer;
}

export function buildMail({ config, clock }: Shared): Mail {
  // aws-ses-v2-local never answers actions it does not know: a timeout keeps a send from hanging.
  const ses = new SESv2Client({
    // Without throwOnRequestTimeout this SDK only warns and keeps waiting on a hung send.
    requestHandler: { requestTimeout: config.FAREWELL_SES_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  const senderName = config.FAREWELL_SENDER_NAME ?? config.FAREWELL_FIRM_NAME;
  const mailer = new SesMailer(ses, {
    fromEmail: config.FAREWELL_SENDER_EMAIL,
    fromName: senderName,
    ...(config.FAREWELL_REPLY_TO ? { replyTo: config.FAREWELL_REPLY_TO } : {}),
    ...(config.FAREWELL_SES_CONFIGURATION_SET
      ? { configurationSetName: config.FAREWELL_SES_CONFIGURATION_SET }
      : {}),
  });
  const renderer = new HandlebarsRenderer({
    branding: brandingFromConfig(config),
    links: { publicUrl: config.FAREWELL_PUBLIC_URL, keys: config.FAREWELL_LINK_KEYS },
    clock,
  });
  return { mailer, renderer };
}
