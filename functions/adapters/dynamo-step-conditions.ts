/**
 * The step conditions of every write that touches a step, built from the step machine
 * (`domain/step-machine.ts`): the machine says from which states, by whom and with which lease
 * guard a step may move, and these turn that into DynamoDB condition expressions. Changing the
 * machine's table changes what the store lets through.
 */
import type { StepState } from '../domain/exit.js';
import { fromStates, pendingStates, type StepWriter } from '../domain/step-machine.js';
import type { UpdateBuilder } from './dynamo-update.js';

/** What the writer knows to satisfy a guard: its lease token, or the time a lease must end by. */
interface WriterFacts {
  leaseToken?: string;
  now?: string;
}

/** `#state = :a` or `#state IN (:a, :b)`. */
function stateIn(update: UpdateBuilder, state: string, states: readonly StepState[]): string {
  const values = states.map((s) => update.value(s));
  return values.length === 1 ? `${state} = ${values[0]}` : `${state} IN (${values.join(', ')})`;
}

/**
 * The condition that the step may move to `to` by `writer`: its state is one the step machine
 * allows that move from, with that transition's guard (our lease token, an expired lease).
 */
export function stepMayMove(
  update: UpdateBuilder,
  stepId: string,
  to: StepState,
  writer: StepWriter,
  facts: WriterFacts = {},
): UpdateBuilder {
  const step = ['steps', stepId];
  const state = update.path([...step, 'state']);
  const branches = fromStates(to, writer);
  if (branches.length === 0) throw new Error(`The step machine allows no move to ${to}`);
  const guards = [...new Set(branches.map((branch) => branch.guard))].map((guard) => {
    const from = stateIn(
      update,
      state,
      branches.filter((branch) => branch.guard === guard).map((branch) => branch.from),
    );
    if (guard === 'none') return from;
    if (guard === 'lease-held') {
      if (facts.leaseToken === undefined) throw new Error('A lease holder names its token');
      const token = update.path([...step, 'lease', 'token']);
      return `${from} AND ${token} = ${update.value(facts.leaseToken)}`;
    }
    if (facts.now === undefined) throw new Error('Taking over an expired lease needs the time');
    const expiresAt = update.path([...step, 'lease', 'expiresAt']);
    return `${from} AND ${expiresAt} < ${update.value(facts.now)}`;
  });
  // DynamoDB refuses redundant parentheses: only alternatives get their own.
  const [only, ...more] = guards;
  return update.condition(
    more.length === 0 && only !== undefined ? only : guards.map((g) => `(${g})`).join(' OR '),
  );
}

/**
 * The condition that the step is still pending (`pendingStates`): only then may a change move or
 * remove it.
 */
export function stepIsPending(update: UpdateBuilder, stepId: string): UpdateBuilder {
  return update.condition(
    stateIn(update, update.path(['steps', stepId, 'state']), pendingStates()),
  );
}
