import type { Exit } from '../domain/exit.js';
import type { HandoverPageView } from './page-views.js';
import { daysUntil, emailDateLocale, formatDate, formatDay } from './time-words.js';

/** What the handover page shows, as of `now`; `forms` carries the post target and its token. */
export function handoverPageView(
  exit: Exit,
  context: {
    now: Date;
    action: string;
    csrf: string;
    firmName: string;
    contactEmail: string | null;
    flash: string | null;
  },
): HandoverPageView {
  const locale = emailDateLocale(exit.client.locale, exit.client.country);
  const effectiveDate = formatDate(exit.effectiveOn, locale);
  const days = daysUntil(exit.effectiveOn, context.now, exit.client.timezone);
  const open = exit.handover.filter((item) => !item.confirmedAt).length;
  const total = exit.handover.length;
  let standing: string;
  if (exit.status === 'cancelled') {
    standing = 'Our work together continues, so nothing has to be handed over for now.';
  } else if (days > 0) {
    standing = `Our work for you continues until ${effectiveDate}. Anything not with you yet will reach you by then, or come with a written plan.`;
  } else if (days === 0) {
    standing = `Today, ${effectiveDate}, is the last day of our work together.`;
  } else {
    standing = `Our work together ended on ${effectiveDate}.`;
  }
  return {
    action: context.action,
    csrf: context.csrf,
    flash: context.flash,
    clientName: exit.client.name,
    firmName: context.firmName,
    standing,
    progress:
      total === 0
        ? 'There is nothing on this list.'
        : open === 0
          ? `You have confirmed all ${total} item${total === 1 ? '' : 's'}. Thank you.`
          : `You have confirmed ${total - open} of ${total} item${total === 1 ? '' : 's'}.`,
    items: exit.handover.map((item) => ({
      id: item.id,
      title: item.title,
      url: item.url ?? null,
      note: item.note ?? null,
      confirmedOn: item.confirmedAt
        ? formatDay(item.confirmedAt, exit.client.locale, exit.client.timezone)
        : null,
    })),
    canConfirmAll: open > 1,
    contactEmail: context.contactEmail,
  };
}
