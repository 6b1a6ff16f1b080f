import { describe, expect, it } from 'vitest';
import { checklist } from '../../config/checklist.js';
import {
  movedTasks,
  overdueTasks,
  planTasks,
  taskCounts,
  tasksDueOn,
} from '../../functions/domain/checklist.js';
import {
  type ChecklistConfig,
  parseChecklist,
  TASK_LIMITS,
} from '../../functions/domain/checklist-rules.js';
import { ConfigError } from '../../functions/domain/errors.js';
import type { Exit, TaskDue } from '../../functions/domain/exit.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { thrownBy } from '../support/thrown.js';

/** Friday 6 March 2026, 09:00 in London. */
const CREATED = '2026-03-06T09:00:00.000Z';
/** Tuesday 7 April 2026: Good Friday (3 April) and Easter Monday (6 April) are GB holidays. */
const EFFECTIVE = '2026-04-07';

function one(due: TaskDue, country?: string): string | undefined {
  const tasks = planTasks(
    {
      createdAt: CREATED,
      effectiveOn: EFFECTIVE,
      timezone: 'Europe/London',
      ...(country ? { country } : {}),
      initiatedBy: 'firm',
    },
    { firm: [{ title: 'Task', due }], client: [] },
    DEFAULT_RULES,
  );
  return tasks.t1?.dueOn;
}

describe('planTasks: due dates relative to the exit', () => {
  it('puts notice+0 on the day the exit started', () => {
    expect(one({ from: 'notice', days: 0 })).toBe('2026-03-06');
  });

  it('counts notice+2 business days over the weekend', () => {
    expect(one({ from: 'notice', businessDays: 2 })).toBe('2026-03-10');
  });

  it('counts calendar days before the effective date as they fall', () => {
    expect(one({ from: 'effective', days: -3 })).toBe('2026-04-04');
  });

  it('counts business days before the effective date without the weekend', () => {
    expect(one({ from: 'effective', businessDays: -3 })).toBe('2026-04-02');
  });

  it("skips the client's public holidays when counting business days", () => {
    expect(one({ from: 'effective', businessDays: -3 }, 'GB')).toBe('2026-03-31');
  });

  it('times survey+0 on the day the sequence sends the survey', () => {
    expect(one({ from: 'survey', days: 0 }, 'GB')).toBe('2026-04-10');
  });

  it('moves business days +0 on a weekend anchor to the next business day', () => {
    const saturday = planTasks(
      {
        createdAt: '2026-03-07T09:00:00.000Z',
        effectiveOn: EFFECTIVE,
        timezone: 'Europe/London',
        initiatedBy: 'firm',
      },
      { firm: [{ title: 'Task', due: { from: 'notice', businessDays: 0 } }], client: [] },
      DEFAULT_RULES,
    );
    expect(saturday.t1?.dueOn).toBe('2026-03-09');
  });

  it("dates the notice in the client's zone, not in UTC", () => {
    const tokyo = planTasks(
      {
        createdAt: '2026-03-06T20:00:00.000Z',
        effectiveOn: EFFECTIVE,
        timezone: 'Asia/Tokyo',
        initiatedBy: 'firm',
      },
      { firm: [{ title: 'Task', due: { from: 'notice', days: 0 } }], client: [] },
      DEFAULT_RULES,
    );
    expect(tokyo.t1?.dueOn).toBe('2026-03-07');
  });
});

describe('planTasks: firm and client lists', () => {
  const input = { createdAt: CREATED, effectiveOn: EFFECTIVE, timezone: 'Europe/London' };

  it('plans the firm list for a firm-initiated exit, ids in order, every task open', () => {
    const tasks = planTasks({ ...input, initiatedBy: 'firm' }, checklist, DEFAULT_RULES);
    expect(Object.values(tasks).map((t) => t.title)).toEqual(checklist.firm.map((t) => t.title));
    expect(Object.keys(tasks)).toEqual(checklist.firm.map((_, i) => `t${i + 1}`));
    expect(Object.values(tasks).every((t) => t.state === 'open' && t.addedBy === 'checklist')).toBe(
      true,
    );
  });

  it('plans the client list for a client-initiated exit', () => {
    const tasks = planTasks({ ...input, initiatedBy: 'client' }, checklist, DEFAULT_RULES);
    expect(Object.values(tasks).map((t) => t.title)).toEqual(checklist.client.map((t) => t.title));
    expect(checklist.client.map((t) => t.title)).not.toEqual(checklist.firm.map((t) => t.title));
  });
});

function exitWith(tasks: Exit['tasks'], status: Exit['status'] = 'active'): Exit {
  return {
    id: 'x1',
    source: 'console',
    client: { name: 'A', email: 'a@example.com', timezone: 'Europe/London', locale: 'en-GB' },
    initiatedBy: 'firm',
    effectiveOn: EFFECTIVE,
    handover: [],
    highlights: [],
    status,
    createdAt: CREATED,
    updatedAt: CREATED,
    steps: {},
    timeline: [],
    ...(tasks ? { tasks } : {}),
  };
}

describe('movedTasks: a new effective date', () => {
  it('moves open tasks timed from the effective date and leaves notice tasks and closed ones', () => {
    const tasks = planTasks(
      {
        createdAt: CREATED,
        effectiveOn: EFFECTIVE,
        timezone: 'Europe/London',
        initiatedBy: 'firm',
      },
      {
        firm: [
          { title: 'Notice', due: { from: 'notice', days: 0 } },
          { title: 'Open', due: { from: 'effective', days: 0 } },
          { title: 'Done', due: { from: 'effective', days: 0 } },
        ],
        client: [],
      },
      DEFAULT_RULES,
    );
    const done = tasks.t3;
    if (done) tasks.t3 = { ...done, state: 'done', closedAt: CREATED };

    const moved = movedTasks(exitWith(tasks), '2026-05-01', DEFAULT_RULES);

    expect(moved.map((t) => [t.id, t.dueOn])).toEqual([['t2', '2026-05-01']]);
  });
});

describe('tasksDueOn and overdueTasks', () => {
  const tasks = planTasks(
    { createdAt: CREATED, effectiveOn: EFFECTIVE, timezone: 'Europe/London', initiatedBy: 'firm' },
    {
      firm: [
        { title: 'Early', due: { from: 'notice', days: 0 } },
        { title: 'Today', due: { from: 'notice', days: 3 } },
        { title: 'Later', due: { from: 'effective', days: 0 } },
      ],
      client: [],
    },
    DEFAULT_RULES,
  );
  const now = new Date('2026-03-09T12:00:00Z');

  it('lists the open tasks due on a day', () => {
    expect(tasksDueOn(exitWith(tasks), '2026-03-09').map((t) => t.title)).toEqual(['Today']);
  });

  it('lists the open tasks due before today as overdue', () => {
    expect(overdueTasks(exitWith(tasks), now).map((t) => t.title)).toEqual(['Early']);
  });

  it('lists nothing for a cancelled exit', () => {
    expect(overdueTasks(exitWith(tasks, 'cancelled'), now)).toEqual([]);
    expect(tasksDueOn(exitWith(tasks, 'cancelled'), '2026-03-09')).toEqual([]);
  });

  it('counts due and overdue from the summary the index carries', () => {
    const exit = {
      ...exitWith(undefined),
      openTaskDues: ['2026-03-06', '2026-03-09', '2026-04-07'],
    };
    expect(taskCounts(exit, now)).toEqual({ due: 1, overdue: 1 });
  });
});

/** The message of the ConfigError that parsing `input` throws. */
function failure(input: unknown): string {
  return thrownBy(ConfigError, () => parseChecklist(input)).message;
}

const ok: ChecklistConfig = { firm: [], client: [] };

describe('parseChecklist: messages name the bad field', () => {
  it('accepts the shipped checklist as it is', () => {
    expect(parseChecklist(checklist)).toEqual(checklist);
  });

  it('names a task without a title', () => {
    expect(failure({ ...ok, firm: [{ title: ' ', due: { from: 'notice', days: 0 } }] })).toContain(
      'firm.0.title: must be text of 1 to 120 characters',
    );
  });

  it('names an anchor that does not exist', () => {
    expect(
      failure({ ...ok, client: [{ title: 'A', due: { from: 'invoice', days: 0 } }] }),
    ).toContain('client.0.due.from: must be one of notice, effective, survey');
  });

  it('names a fractional business-day offset with its range', () => {
    expect(
      failure({ ...ok, firm: [{ title: 'A', due: { from: 'notice', businessDays: 1.5 } }] }),
    ).toContain(
      'firm.0.due.businessDays: must be a whole number of business days from -365 to 365',
    );
  });

  it('refuses a due date with both days and business days', () => {
    expect(
      failure({ ...ok, firm: [{ title: 'A', due: { from: 'notice', days: 1, businessDays: 1 } }] }),
    ).toContain('firm.0.due: must give either days or businessDays, not both');
  });

  it('names an unknown field', () => {
    expect(
      failure({ ...ok, firm: [{ title: 'A', due: { from: 'notice', days: 0 }, owner: 'x' }] }),
    ).toMatch(/firm\.0: .*owner/);
  });

  it('names a missing list', () => {
    expect(failure({ firm: [] })).toContain('client:');
  });

  it('refuses a list longer than the cap', () => {
    const many = Array.from({ length: TASK_LIMITS.perList + 1 }, (_, i) => ({
      title: `Task ${i}`,
      due: { from: 'notice' as const, days: 0 },
    }));
    expect(failure({ ...ok, firm: many })).toContain(
      `firm: must hold at most ${TASK_LIMITS.perList} tasks`,
    );
  });
});
