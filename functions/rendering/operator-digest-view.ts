import type { DigestView } from '../domain/digest-ports.js';
import { DEFAULT_ACCENT, textColourOn } from './branding.js';
import type { OperatorDigestView, ViewContext } from './email-views.js';
import { formatDate } from './time-words.js';

/**
 * The operator's digest, in the operator's language (English). Names and details come from
 * clients and are escaped like any user data; every item links to its exit's console page.
 */
export function prepareOperatorDigest(
  digest: DigestView,
  context: ViewContext,
): { name: 'operator-digest'; view: OperatorDigestView } {
  const { branding, links } = context;
  const accent = branding.accent ?? DEFAULT_ACCENT;
  const sections = digest.sections.map((section) => ({
    title: section.title,
    items: section.items.map((item) => ({
      who: item.who,
      detail: item.detail,
      exitUrl: `${links.publicUrl}${item.exitPath}`,
    })),
  }));
  return {
    name: 'operator-digest',
    view: {
      lang: 'en',
      brand: {
        firmName: branding.firmName,
        logoUrl: branding.logoUrl ?? null,
        accent,
        accentText: textColourOn(accent),
      },
      signature: branding.signature,
      footer: {
        postalAddress: branding.postalAddress ?? null,
        unsubscribeUrl: null,
        forClient: false,
      },
      dayInWords: formatDate(digest.day, 'en-GB'),
      itemCount: sections.reduce((sum, section) => sum + section.items.length, 0),
      sections,
    },
  };
}
