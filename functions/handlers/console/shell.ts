/** The console's frame around every signed-in page: navigation, who is signed in, local tools. */
import { utcTime } from '../../rendering/console/format.js';
import type { ConsoleShell } from '../../rendering/console/views.js';
import type { Signed } from './context.js';
import { flashOf, returnPath } from './flash.js';
import { formFor } from './form-token.js';

export type ConsoleSection = 'exits' | 'new' | 'insights' | null;

const NAV: { section: Exclude<ConsoleSection, null>; href: string; label: string }[] = [
  { section: 'exits', href: '/admin/exits', label: 'Exits' },
  { section: 'new', href: '/admin/exits/new', label: 'Start an exit' },
  { section: 'insights', href: '/admin/insights', label: 'Insights' },
];

/** The frame of a signed-in page; `section` marks the current navigation item. */
export function shellView(
  ctx: Signed,
  section: ConsoleSection,
  options: { script?: boolean } = {},
): ConsoleShell {
  const { deps, event } = ctx;
  const local = deps.localTools;
  return {
    nav: NAV.map((item) => ({
      href: item.href,
      label: item.label,
      current: item.section === section,
    })),
    operatorEmail: ctx.operator.email,
    signOut: formFor(ctx, '/admin/sign-out'),
    local: local
      ? {
          now: utcTime(deps.clock.now()),
          inboxUrl: local.inboxUrl,
          previewsUrl: local.previewsUrl,
          travel: { ...formFor(ctx, '/admin/local/time-travel'), next: returnPath(event) },
        }
      : null,
    flash: flashOf(event),
    script: options.script ? deps.pages.script.href : null,
    sendingBlocked: ctx.sendingBlock
      ? {
          why: ctx.sendingBlock.why,
          fix: ctx.sendingBlock.fix,
          since: utcTime(new Date(ctx.sendingBlock.since)),
        }
      : null,
  };
}
