/**
 * The operator console's forms under hostile input, in process, each with a real session and
 * the right CSRF token so the validators and use cases are reached: the new-exit form (preview,
 * the email preview, confirm) and the exit actions.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { startExit } from '../../functions/domain/use-cases/start-exit.js';
import {
  acceptedLine,
  anyDate,
  hostileEmail,
  hostileText,
  validExitData,
  wrongType,
} from './hostile-arbitraries.js';
import { consoleSession, tokenFor } from './hostile-console-session.js';
import {
  type CsrfMode,
  csrfMode,
  effectiveFields,
  type FormEncoding,
  formEncoding,
  formRequest,
  refusedForm,
} from './hostile-forms.js';
import { type FuzzFigures, fuzz } from './hostile-fuzz.js';
import { bodyOf, headerOf, percentEncode } from './hostile-http.js';
import { responseProblems, throwProblems } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';

// ---------------------------------------------------------------------------------------------
// The new-exit form

/** Form keys from a small pool, so the confirmed cases start at most this many exits. */
const KEY_POOL = Array.from({ length: 60 }, (_, at) =>
  createHash('sha256').update(`hostile key ${at}`).digest('base64url').slice(0, 22),
);

type Intent = 'preview' | 'email' | 'confirm' | 'preview-then-confirm' | 'none' | 'hostile';

interface NewExitCase {
  fields: Record<string, string>;
  key: string | undefined;
  intent: Intent;
  previewed: string | undefined;
  csrf: CsrfMode;
  encoding: FormEncoding;
}

const FORM_FIELDS = [
  'name',
  'email',
  'company',
  'timezone',
  'country',
  'locale',
  'initiatedBy',
  'reason',
  'effectiveOn',
  'relationshipStartedOn',
  'externalId',
  'handover',
  'highlights',
] as const;

/** Accepted data as the form's fields (lists one item per line). */
const acceptedFields = validExitData.map((data) => {
  // The form has no tasks field (the checklist is planned; tasks are added on the exit's page).
  const {
    client,
    handover,
    highlights,
    tasks: _tasks,
    ...rest
  } = data as {
    client: Record<string, string>;
    handover?: (string | { title: string; url?: string; note?: string })[];
    highlights?: string[];
  } & Record<string, unknown>;
  const fields: Record<string, string> = { ...client };
  for (const [name, value] of Object.entries(rest)) fields[name] = String(value);
  // An object is typed as the form takes it: `Title | https://… | note` (a note on one line).
  if (handover) {
    fields.handover = handover
      .map((item) =>
        typeof item === 'string'
          ? item
          : [item.title, item.url, item.note?.replace(/\s+/g, ' ')].filter(Boolean).join(' | '),
      )
      .join('\n');
  }
  if (highlights) fields.highlights = highlights.join('\r\n');
  return fields;
});

const formFields = fc
  .tuple(
    acceptedFields,
    fc.array(
      fc.record({
        name: fc.oneof(fc.constantFrom(...FORM_FIELDS), hostileText),
        value: fc.oneof(
          hostileText,
          anyDate,
          hostileEmail,
          wrongType.map((value) => JSON.stringify(value)),
        ),
      }),
      { maxLength: 3 },
    ),
  )
  .map(([fields, changes]) => {
    const changed = { ...fields };
    for (const { name, value } of changes) changed[name] = value;
    return changed;
  });

const newExitCase: fc.Arbitrary<NewExitCase> = fc.record({
  fields: formFields,
  key: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...KEY_POOL) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: hostileText },
  ),
  intent: fc.oneof(
    { weight: 4, arbitrary: fc.constant<Intent>('preview') },
    { weight: 1, arbitrary: fc.constant<Intent>('email') },
    { weight: 1, arbitrary: fc.constant<Intent>('confirm') },
    { weight: 2, arbitrary: fc.constant<Intent>('preview-then-confirm') },
    { weight: 1, arbitrary: fc.constantFrom<Intent>('none', 'hostile') },
  ),
  previewed: fc.oneof(fc.constant(undefined), hostileText),
  csrf: csrfMode(),
  encoding: formEncoding,
});

/** Fuzzes `POST /admin/exits/new` signed in: preview, email preview and confirm. */
export async function fuzzNewExit(stack: HostileStack, runs: number): Promise<FuzzFigures> {
  const session = await consoleSession(stack);
  const action = '/admin/exits/new';
  return fuzz('console new exit', newExitCase, runs, async (c, tally) => {
    const csrf = tokenFor(session, c.csrf, action, c.previewed ?? '');
    const intent =
      c.intent === 'preview-then-confirm'
        ? 'preview'
        : c.intent === 'hostile'
          ? (c.previewed ?? '')
          : c.intent;
    const fields: Record<string, string> = {
      ...c.fields,
      ...(csrf !== undefined ? { csrf } : {}),
      ...(c.key !== undefined ? { key: c.key } : {}),
      ...(intent !== 'none' ? { intent } : {}),
      ...(c.previewed !== undefined ? { previewed: c.previewed } : {}),
    };
    const response = await stack.call(formRequest(action, fields, c.encoding, session.cookies));
    const text = bodyOf(response);
    tally.add(`${c.intent} ${response.statusCode}`);
    const problems = responseProblems(response, { redirectsUnder: '/admin/exits/' });
    const read = effectiveFields(fields, c.encoding);
    const refused = refusedForm(fields, c.encoding);
    const expected = refused
      ? [refused]
      : read.csrf !== session.token(action)
        ? [403]
        : read.intent === 'confirm'
          ? [200, 303, 422]
          : [200, 422];
    if (!expected.includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}, expected ${expected.join(' or ')}`);
    }
    if (response.statusCode === 303) {
      const location = headerOf(response, 'location') ?? '';
      if (!/^\/admin\/exits\/x[0-9a-f]{24}\?done=(started|exists)#top$/.test(location)) {
        problems.push(`confirm led to ${location}`);
      }
    }
    throwProblems(problems, response, text);
    if (c.intent !== 'preview-then-confirm' || response.statusCode !== 200 || refused) return;
    const previewed = /name="previewed" value="([^"]+)"/.exec(text)?.[1];
    if (!previewed) return;
    const confirmFields = { ...fields, intent: 'confirm', previewed };
    const confirm = await stack.call(
      formRequest(action, confirmFields, c.encoding, session.cookies),
    );
    tally.add(`confirmed ${confirm.statusCode}`);
    const confirmProblems = responseProblems(confirm, { redirectsUnder: '/admin/exits/' });
    const location = headerOf(confirm, 'location') ?? '';
    // The confirm carries the preview token too, so padding that fitted the preview may not fit.
    const confirmRefused = refusedForm(confirmFields, c.encoding);
    const keyed = KEY_POOL.includes(read.key ?? '');
    if (confirmRefused) {
      if (confirm.statusCode !== confirmRefused) {
        confirmProblems.push(`an oversized confirm answered ${confirm.statusCode}`);
      }
    } else if (
      keyed &&
      !/^\/admin\/exits\/x[0-9a-f]{24}\?done=(started|exists)#top$/.test(location)
    ) {
      confirmProblems.push(`a confirmed preview answered ${confirm.statusCode} ${location}`);
    }
    throwProblems(confirmProblems, confirm, bodyOf(confirm));
  });
}

// ---------------------------------------------------------------------------------------------
// Exit actions

const ACTIONS = [
  'cancel',
  'pause',
  'resume',
  'send-now',
  'effective-date',
  'erase',
  'tasks',
  'approve',
  'discard',
] as const;

interface ActionCase {
  exit: number | string;
  action: string;
  fields: Record<string, string>;
  csrf: CsrfMode;
  hostile: string;
  encoding: FormEncoding;
}

const actionCase: fc.Arbitrary<ActionCase> = fc.record({
  exit: fc.oneof(
    { weight: 8, arbitrary: fc.nat({ max: 1_000 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^x[0-9a-f]{24}$/) },
    { weight: 1, arbitrary: hostileText.map(percentEncode) },
  ),
  action: fc.oneof(
    // Erasing and cancelling end an exit: rarer, so the pool stays mostly running.
    {
      weight: 12,
      arbitrary: fc.constantFrom('pause', 'resume', 'send-now', 'effective-date', 'tasks'),
    },
    { weight: 1, arbitrary: fc.constantFrom('cancel', 'erase') },
    // Approval ends the wait of a third of the pool; discarding ends the exit.
    { weight: 3, arbitrary: fc.constant('approve') },
    { weight: 1, arbitrary: fc.constant('discard') },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom('Cancel', 'erase/', 'sign-out', ''), hostileText),
    },
  ),
  fields: fc.record(
    {
      step: fc.oneof(
        fc.constantFrom(
          'notice',
          'gratitude',
          'survey',
          'survey-reminder',
          'check-in-1',
          'check-in-7',
        ),
        hostileText,
      ),
      effectiveOn: anyDate,
      confirm: hostileText,
      // The checklist's form (`tasks`): what to do, to which task, and an added task's fields.
      do: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('tick', 'untick', 'not-needed', 'note', 'add') },
        { weight: 1, arbitrary: fc.constantFrom('Tick', 'delete', '') },
        { weight: 1, arbitrary: hostileText },
      ),
      task: fc.oneof(
        { weight: 6, arbitrary: fc.nat({ max: 12 }).map((n) => `t${n}`) },
        { weight: 1, arbitrary: fc.constantFrom('t01', 't1 ') },
        { weight: 1, arbitrary: hostileText },
      ),
      title: fc.oneof(
        { weight: 4, arbitrary: acceptedLine(120) },
        { weight: 1, arbitrary: fc.constantFrom('x'.repeat(121)) },
        { weight: 1, arbitrary: hostileText },
      ),
      dueOn: anyDate,
      note: fc.oneof(hostileText, fc.constant('n'.repeat(1001))),
      // The approval's personal paragraph: hostile text, and past its 1,000-character bound.
      personalNote: fc.oneof(
        hostileText,
        fc.string({ minLength: 990, maxLength: 1_100 }),
        hostileText.map((text) => text.repeat(40)),
      ),
    },
    { requiredKeys: [] },
  ),
  csrf: csrfMode(),
  hostile: hostileText,
  encoding: formEncoding,
});

/**
 * Starts exits for the action fuzz, as the console's form would; every third one waits for
 * approval (as `FAREWELL_NOTICE_APPROVAL=all` holds it), so approve and discard meet both kinds.
 */
async function actionPool(stack: HostileStack, size: number): Promise<string[]> {
  const ids: string[] = [];
  for (let at = 0; at < size; at += 1) {
    const result = await startExit(
      { ...stack.deps.web.startExit, noticeApproval: at % 3 === 0 ? 'all' : 'none' },
      {
        client: { name: `Pool Client ${at}`, email: `pool.${at}@client.example` },
        initiatedBy: at % 2 === 0 ? 'firm' : 'client',
        effectiveOn: '2031-03-14',
      },
      { source: 'console' },
    );
    ids.push(result.exitId);
  }
  return ids;
}

/** Fuzzes `POST /admin/exits/{id}/{action}` signed in, with each path's own token. */
export async function fuzzExitActions(
  stack: HostileStack,
  runs: number,
  poolSize = 40,
): Promise<FuzzFigures> {
  const session = await consoleSession(stack);
  const pool = await actionPool(stack, poolSize);
  return fuzz('console exit actions', actionCase, runs, async (c, tally) => {
    const exitId = typeof c.exit === 'number' ? (pool[c.exit % pool.length] ?? '') : c.exit;
    const path = `/admin/exits/${exitId}/${c.action}`;
    const csrf = tokenFor(session, c.csrf, path, c.hostile);
    const fields = { ...c.fields, ...(csrf !== undefined ? { csrf } : {}) };
    const response = await stack.call(formRequest(path, fields, c.encoding, session.cookies));
    tally.add(
      `${ACTIONS.includes(c.action as (typeof ACTIONS)[number]) ? c.action : 'other'} ${response.statusCode}`,
    );
    const problems = responseProblems(response, { redirectsUnder: `/admin/exits/${exitId}?done=` });
    const routed =
      /^x[0-9a-f]{24}$/.test(exitId) && ACTIONS.includes(c.action as (typeof ACTIONS)[number]);
    const read = effectiveFields(fields, c.encoding);
    const refused = refusedForm(fields, c.encoding);
    const expected = !routed
      ? [404]
      : refused
        ? [refused]
        : read.csrf !== session.token(path)
          ? [403]
          : [303, 404, 409, 422];
    if (!expected.includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}, expected ${expected.join(' or ')}`);
    }
    throwProblems(problems, response, bodyOf(response));
  });
}
