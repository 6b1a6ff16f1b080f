import { describe, expect, it } from 'vitest';
import { safe } from '../../cli/errors.js';
import { exitReport, exitTable, nextStep } from '../../cli/exit-format.js';
import { buildExit } from '../support/exit-fixture.js';

describe('exit formatting for the terminal', () => {
  it('lists an exit on one line, with its next step and no email address', () => {
    const exit = buildExit();

    const [head, row] = exitTable([exit]);

    expect(head).toMatch(/^EXIT\s+STATUS\s+CLIENT\s+COMPANY\s+EFFECTIVE\s+NEXT STEP$/);
    expect(row).toMatch(
      new RegExp(
        `^${exit.id}\\s+active\\s+Ada Client\\s+Example Ltd\\s+2025-03-31\\s+notice 2025-03-03 09:02 UTC$`,
      ),
    );
    expect(row).not.toContain('@');
  });

  it('takes the earliest pending step as the next one', () => {
    const exit = buildExit();
    const notice = exit.steps.notice;
    if (notice) exit.steps.notice = { ...notice, state: 'sent', sentAt: '2025-03-03T09:02:03Z' };

    expect(nextStep(exit)?.id).toBe('gratitude');
  });

  it('shows pending steps in the client time zone too', () => {
    const report = exitReport(buildExit()).join('\n');

    expect(report).toMatch(
      /gratitude\s+scheduled\s+due 2025-03-31 08:00 UTC\s+\(Mon 31 Mar 10:00 Europe\/Paris\)/,
    );
  });

  it('never lets stored text drive the terminal', () => {
    const exit = buildExit({ reason: 'Red \u001b[31malert\u001b[0m\nsecond line\u0007' });

    const report = exitReport(exit).join('\n');

    expect(report).not.toContain('\u001b');
    expect(report).not.toContain('\u0007');
    expect(report).toContain('Red \uFFFD[31malert\uFFFD[0m');
    expect(report).toContain('second line');
  });

  it('keeps newlines but replaces other control characters', () => {
    expect(safe('a\tb\nc\u009bd')).toBe('a\uFFFDb\nc\uFFFDd');
  });
});
