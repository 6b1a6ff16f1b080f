import type { Exit, Step, StepKind } from '../../functions/domain/exit.js';
import { normaliseHandover } from '../../functions/domain/handover.js';
import { newExitId } from '../../functions/domain/ids.js';
import type { ExitStore } from '../../functions/domain/ports.js';

function step(id: string, kind: StepKind, dueAt: string): Step {
  return { id, kind, dueAt, state: 'scheduled', attempts: 0 };
}

/** A valid active exit with all five default steps scheduled; each call gets a fresh id. */
export function buildExit(overrides: Partial<Exit> = {}): Exit {
  const createdAt = '2025-03-03T09:00:00.000Z';
  const steps = [
    step('notice', 'notice', '2025-03-03T09:02:00.000Z'),
    step('gratitude', 'gratitude', '2025-03-31T08:00:00.000Z'),
    step('survey', 'survey', '2025-04-03T08:00:00.000Z'),
    step('survey-reminder', 'survey-reminder', '2025-04-10T08:00:00.000Z'),
    step('check-in-1', 'check-in', '2025-09-30T08:00:00.000Z'),
  ];
  return {
    id: newExitId(),
    source: 'console',
    client: {
      name: 'Ada Client',
      email: 'ada@example.com',
      company: 'Example Ltd',
      timezone: 'Europe/Paris',
      country: 'FR',
      locale: 'en-GB',
    },
    initiatedBy: 'firm',
    effectiveOn: '2025-03-31',
    relationshipStartedOn: '2022-01-10',
    handover: normaliseHandover(['Design files', 'Hosting credentials']),
    highlights: ['Launched the new storefront'],
    status: 'active',
    createdAt,
    updatedAt: createdAt,
    steps: Object.fromEntries(steps.map((s) => [s.id, s])),
    timeline: [{ at: createdAt, event: 'exit.created' }],
    ...overrides,
  };
}

/** Builds a fixture exit (`buildExit`) and stores it as it is, with no schedules. */
export async function createExit(
  store: Pick<ExitStore, 'create'>,
  overrides: Partial<Exit> = {},
): Promise<Exit> {
  const exit = buildExit(overrides);
  await store.create(exit);
  return exit;
}
