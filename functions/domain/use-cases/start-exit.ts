import { openTaskDues, planTasks } from '../checklist.js';
import { type ChecklistRules, NO_CHECKLIST } from '../checklist-rules.js';
import type { Exit, Task } from '../exit.js';
import { pendingSteps } from '../exit.js';
import { type NoticeApproval, needsApproval } from '../exit-approval.js';
import { admitEffectiveDate, type ExitRequest } from '../exit-request.js';
import { normaliseHandover } from '../handover.js';
import { exitIdFromEvent, newExitId } from '../ids.js';
import { DEFAULT_RULES, planExit, type SequenceRules } from '../plan.js';
import type { Clock, ExitStore, StepScheduler } from '../ports.js';

export interface StartExitDeps {
  store: ExitStore;
  scheduler: StepScheduler;
  clock: Clock;
  defaults: { timezone: string; locale: string };
  rules?: SequenceRules;
  /** The operator's checklist every new exit gets (`config/checklist.ts`); none when absent. */
  checklist?: ChecklistRules;
  /** Which new exits wait in `awaiting-approval` (nothing scheduled); unset means none. */
  noticeApproval?: NoticeApproval;
}

/**
 * Where a start request came from. A webhook's event id and an import row's key (see
 * `cli/import-rows.ts`) each derive the exit id, so a replay or a re-run starts nothing new.
 */
export type ExitOrigin =
  | { source: 'webhook'; eventId: string }
  | { source: 'import'; key: string }
  /** `key`: the form's idempotency key, so a double submit lands on the same exit. */
  | { source: 'console'; key?: string };

const ORIGIN_WORDS: Record<ExitOrigin['source'], string> = {
  webhook: 'a webhook',
  import: 'an import',
  console: 'the console',
};

/**
 * The exit id an origin implies: derived for webhooks, imports and console forms with a key,
 * random otherwise.
 */
export function exitIdFor(origin: ExitOrigin): string {
  if (origin.source === 'webhook') return exitIdFromEvent('webhook', origin.eventId);
  if (origin.source === 'import') return exitIdFromEvent('import', origin.key);
  if (origin.key) return exitIdFromEvent('console', origin.key);
  return newExitId();
}

export interface StartExitResult {
  exitId: string;
  /** False when the exit already existed (a replayed webhook, a re-run import). */
  created: boolean;
}

/**
 * Builds the exit aggregate for a request: plans every step in the client's time zone. A
 * requested effective date a few days past (within `effectiveDate.pastGraceDays`) is taken as
 * the client's today; one further back is refused with a `ValidationError` naming the field as
 * the origin does (`data.effectiveOn` for a webhook, `effectiveOn` for the form and the CSV).
 */
export function buildExit(
  request: ExitRequest,
  exitId: string,
  origin: ExitOrigin,
  now: Date,
  defaults: StartExitDeps['defaults'],
  rules: SequenceRules = DEFAULT_RULES,
  checklist: ChecklistRules = NO_CHECKLIST,
  /** Hold the exit for the operator's approval: planned, but `awaiting-approval`. */
  held = false,
): Exit {
  const timezone = request.client.timezone ?? defaults.timezone;
  const field = origin.source === 'webhook' ? 'data.effectiveOn' : 'effectiveOn';
  const effectiveOn =
    request.effectiveOn === undefined
      ? undefined
      : admitEffectiveDate(
          request.effectiveOn,
          now,
          timezone,
          rules.effectiveDate.pastGraceDays,
          field,
        );
  const plan = planExit(
    {
      now,
      timezone,
      country: request.client.country,
      effectiveOn,
      relationshipStartedOn: request.relationshipStartedOn,
    },
    rules,
  );
  const at = now.toISOString();
  const tasks = checklistOf(request, origin, plan.effectiveOn, at, timezone, checklist, rules);
  return {
    id: exitId,
    ...(request.externalId ? { externalId: request.externalId } : {}),
    source: origin.source,
    client: {
      name: request.client.name,
      ...(request.client.greetingName ? { greetingName: request.client.greetingName } : {}),
      email: request.client.email,
      ...(request.client.company ? { company: request.client.company } : {}),
      timezone,
      ...(request.client.country ? { country: request.client.country } : {}),
      locale: request.client.locale ?? defaults.locale,
    },
    initiatedBy: request.initiatedBy,
    ...(request.reason ? { reason: request.reason } : {}),
    effectiveOn: plan.effectiveOn,
    ...(request.relationshipStartedOn
      ? { relationshipStartedOn: request.relationshipStartedOn }
      : {}),
    handover: normaliseHandover(request.handover ?? []),
    highlights: request.highlights ?? [],
    status: held ? 'awaiting-approval' : 'active',
    createdAt: at,
    updatedAt: at,
    steps: plan.steps,
    tasks,
    taskRevision: 0,
    openTaskDues: openTaskDues(tasks),
    timeline: [
      {
        at,
        event: 'exit.created',
        detail: `Started from ${ORIGIN_WORDS[origin.source]}; ${request.initiatedBy}-initiated, effective ${plan.effectiveOn}${
          effectiveOn !== request.effectiveOn
            ? ` (asked for ${request.effectiveOn}, a few days past: taken as today)`
            : ''
        }.${held ? ' Its notice waits for approval.' : ''}`,
      },
    ],
  };
}

/**
 * A new exit's checklist: the configured list for whoever started it, then the tasks the request
 * adds (a webhook's `tasks`), due on the date they give or on the effective date.
 */
function checklistOf(
  request: ExitRequest,
  origin: ExitOrigin,
  effectiveOn: string,
  at: string,
  timezone: string,
  checklist: ChecklistRules,
  rules: SequenceRules,
): Record<string, Task> {
  const planned = planTasks(
    {
      createdAt: at,
      effectiveOn,
      timezone,
      ...(request.client.country ? { country: request.client.country } : {}),
      initiatedBy: request.initiatedBy,
    },
    checklist,
    rules,
  );
  const first = Object.keys(planned).length + 1;
  const added = (request.tasks ?? []).map(
    (task, i): Task => ({
      id: `t${first + i}`,
      title: task.title,
      ...(task.note ? { note: task.note } : {}),
      dueOn: task.dueOn ?? effectiveOn,
      state: 'open',
      addedBy: origin.source === 'webhook' ? 'webhook' : 'console',
      addedAt: at,
    }),
  );
  return { ...planned, ...Object.fromEntries(added.map((task) => [task.id, task])) };
}

/**
 * Starts an exit:
 * 1. Derive the exit id from the origin and load any exit with it.
 * 2. None yet: build the exit (`buildExit`, every step planned) and store it.
 * 3. Create one schedule per pending step of an active exit.
 *
 * Safe to repeat: a replayed webhook finds the same exit id, changes nothing, and re-creates only
 * schedules that a crash may have left missing (schedule creation is idempotent by name).
 */
export async function startExit(
  deps: StartExitDeps,
  request: ExitRequest,
  origin: ExitOrigin,
): Promise<StartExitResult> {
  const exitId = exitIdFor(origin);
  const existing = await deps.store.get(exitId);
  let exit = existing;
  let created = false;
  if (!exit) {
    const held = needsApproval(deps.noticeApproval ?? 'none', origin.source);
    const fresh = buildExit(
      request,
      exitId,
      origin,
      deps.clock.now(),
      deps.defaults,
      deps.rules,
      deps.checklist,
      held,
    );
    created = (await deps.store.create(fresh)) === 'created';
    exit = created ? fresh : await deps.store.get(exitId);
  }
  if (exit && exit.status === 'active') {
    for (const step of pendingSteps(exit)) {
      await deps.scheduler.schedule(exit.id, step.id, new Date(step.dueAt));
    }
  }
  return { exitId, created };
}
