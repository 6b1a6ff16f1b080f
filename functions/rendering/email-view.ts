import type { Exit, Step } from '../domain/exit.js';
import { signLinkToken } from '../domain/link-token.js';

export interface Branding {
  firmName: string;
  signature: string;
}

export interface LinkSettings {
  publicUrl: string;
  keys: readonly string[];
  surveyLinkDays: number;
}

/**
 * Everything a template may use. Every key is always present (null when empty) because the
 * templates compile in strict mode, where a missing key is an error rather than an empty string.
 */
export interface EmailView {
  lang: string;
  firm: { name: string; signature: string };
  client: { name: string; company: string | null };
  effectiveDate: string;
  reason: string | null;
  handover: string[];
  highlights: string[];
  surveyUrl: string;
}

export function formatDate(isoDate: string, locale: string): string {
  // The effective date is already a calendar day in the client's zone: format it as that day.
  const date = new Date(`${isoDate}T12:00:00Z`);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(date);
}

export function buildEmailView(
  exit: Exit,
  _step: Step,
  branding: Branding,
  links: LinkSettings,
  now: Date,
): EmailView {
  const surveyToken = signLinkToken(links.keys, {
    exitId: exit.id,
    purpose: 'survey',
    expiresAt: Math.floor(now.getTime() / 1000) + links.surveyLinkDays * 86_400,
  });
  return {
    lang: exit.client.locale.split('-')[0] ?? 'en',
    firm: { name: branding.firmName, signature: branding.signature },
    client: { name: exit.client.name, company: exit.client.company ?? null },
    effectiveDate: formatDate(exit.effectiveOn, exit.client.locale),
    reason: exit.initiatedBy === 'firm' && exit.reason ? exit.reason : null,
    handover: exit.handover,
    highlights: exit.highlights,
    surveyUrl: `${links.publicUrl}/s/${surveyToken}`,
  };
}
