/**
 * The operator's checklist as configured in `config/checklist.ts`: what to do for every exit and
 * when, one list for exits the firm started and one for exits the client started. Validated at
 * start like the sequence, failing with the path of every bad field.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { TASK_ANCHORS } from './exit.js';
import { lazy } from './lazy.js';

/** Bounds every source of a task keeps to: config, console form, webhook. */
export const TASK_LIMITS = {
  /** Tasks one exit may hold, planned and added together (keeps the item far below 400 KB). */
  perExit: 50,
  /** Tasks one list of the config may hold. */
  perList: 30,
  /** Tasks one request (a webhook's `tasks`) may add: with a full list, `perExit` in all. */
  perRequest: 20,
  title: 120,
  hint: 300,
  note: 1000,
} as const;

/** The furthest a due date may lie from its anchor, either way. */
export const MAX_OFFSET_DAYS = 365;

const offset = (unit: string) => {
  const message = `must be a whole number of ${unit} from -${MAX_OFFSET_DAYS} to ${MAX_OFFSET_DAYS}`;
  return z
    .number({ error: message })
    .int(message)
    .min(-MAX_OFFSET_DAYS, message)
    .max(MAX_OFFSET_DAYS, message);
};

const text = (max: number) =>
  z
    .string({ error: `must be text of 1 to ${max} characters` })
    .trim()
    .min(1, `must be text of 1 to ${max} characters`)
    .max(max, `must be text of 1 to ${max} characters`);

// Built at first use (lazy): the webhook handler imports TASK_LIMITS at every cold start.
const checklistSchema = lazy(() => {
  const dueSchema = z
    .strictObject({
      from: z.enum(TASK_ANCHORS, { error: `must be one of ${TASK_ANCHORS.join(', ')}` }),
      days: offset('days').optional(),
      businessDays: offset('business days').optional(),
    })
    .refine((due) => (due.days === undefined) !== (due.businessDays === undefined), {
      message: 'must give either days or businessDays, not both',
    });

  const taskSchema = z.strictObject({
    title: text(TASK_LIMITS.title),
    hint: text(TASK_LIMITS.hint).optional(),
    due: dueSchema,
  });

  const list = z
    .array(taskSchema, { error: 'must be a list of { title, hint?, due }' })
    .max(TASK_LIMITS.perList, `must hold at most ${TASK_LIMITS.perList} tasks`)
    .refine((tasks) => new Set(tasks.map((t) => t.title.toLowerCase())).size === tasks.length, {
      message: 'must not repeat a title',
    });

  return z.strictObject({
    /** Exits the firm started. */
    firm: list,
    /** Exits the client started. */
    client: list,
  });
});

/** What an operator writes in `config/checklist.ts`. */
export type ChecklistConfig = z.input<typeof checklistSchema>;

/** The validated checklist: one list of tasks per side that started the exit. */
export type ChecklistRules = z.output<typeof checklistSchema>;

/** One configured task. */
export type ChecklistTask = ChecklistRules['firm'][number];

/**
 * Validates a checklist. Throws a ConfigError naming every bad field by its path, e.g.
 * `firm.2.due.businessDays: must be a whole number of business days from -365 to 365`.
 */
export function parseChecklist(input: unknown): ChecklistRules {
  const result = checklistSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `  ${issue.path.map(String).join('.') || '(checklist)'}: ${issue.message}`,
  );
  throw new ConfigError(`Checklist configuration is invalid:\n${lines.join('\n')}`, {
    cause: result.error,
  });
}

/** Declares the checklist in `config/checklist.ts`: typed for the editor, validated at load. */
export function defineChecklist(config: ChecklistConfig): ChecklistRules {
  return parseChecklist(config);
}

/** No checklist: what a caller that passes none plans (tests, older callers). */
export const NO_CHECKLIST: ChecklistRules = { firm: [], client: [] };
