/**
 * `POST /webhooks/exits` under hostile input: random bodies, valid-shaped envelopes with hostile
 * values, wrong content types, oversized bodies, and random, absent, duplicated, stale or
 * correctly computed Standard Webhooks headers (so the body validator is reached too).
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { Webhook } from 'standardwebhooks';
import { exitRequestSchema } from '../../functions/domain/exit-request.js';
import { exitIdFromEvent } from '../../functions/domain/ids.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import { MAX_WEBHOOK_ID_BYTES } from '../../functions/handlers/webhooks.js';
import {
  anyDate,
  daysFromToday,
  exitRequestData,
  hostileText,
  PROTOTYPE_KEYS,
  wrongType,
} from './hostile-arbitraries.js';
import { type FuzzFigures, fuzz } from './hostile-fuzz.js';
import { bodyOf } from './hostile-http.js';
import { responseProblems } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';
import { TEST_WEBHOOK_SECRET } from './webhooks.js';

const MAX_BYTES = 64 * 1024;
const OTHER_SECRET = `whsec_${Buffer.from('not-our-secret-0123456789abcdef').toString('base64')}`;
/**
 * Correctly signed cases draw their event id from a small pool, so the valid ones start at most
 * this many exits (each costs real Scheduler and DynamoDB calls); the rest replay an id.
 */
const ID_POOL = 120;

type Signing =
  | 'signed'
  | 'skewed'
  | 'multi'
  | 'stale'
  | 'future'
  | 'other-secret'
  | 'tampered'
  | 'none'
  | 'partial'
  | 'random'
  | 'duplicated-id'
  | 'duplicated-other';

/** Signings after which the body must reach the validator. */
const VERIFIED: ReadonlySet<Signing> = new Set(['signed', 'skewed', 'multi', 'duplicated-other']);

interface Body {
  text: string | Uint8Array;
  /** What the body is, when the generator knows: an envelope parsed back says the rest. */
  kind: 'envelope' | 'control' | 'json' | 'junk' | 'bytes' | 'oversized' | 'deep';
}

const envelope = fc
  .record(
    {
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant('exit.requested') },
        { weight: 1, arbitrary: fc.constantFrom('exit.Requested', 'exit.deleted', '', 'exit') },
        // Object.prototype's names (`constructor`, `toString`…) once resumed exits (hostile #9).
        {
          weight: 1,
          arbitrary: fc.oneof(hostileText, wrongType, fc.constantFrom(...PROTOTYPE_KEYS)),
        },
      ),
      timestamp: fc.oneof(
        { weight: 4, arbitrary: fc.constant(new Date().toISOString()) },
        { weight: 1, arbitrary: fc.constantFrom('2027-01-29', '2027-01-29T10:00:00+25:00', 'now') },
        { weight: 1, arbitrary: fc.oneof(hostileText, wrongType) },
      ),
      data: fc.oneof(
        { weight: 9, arbitrary: exitRequestData },
        { weight: 1, arbitrary: wrongType },
      ),
      extra: fc.constantFrom(undefined, { __proto__: { polluted: true } }, { constructor: 1 }),
    },
    { requiredKeys: ['type', 'data'] },
  )
  .map(({ extra, ...rest }): Body => {
    let text = JSON.stringify(rest);
    // JSON.stringify drops a `__proto__` own key; written into the text it reaches JSON.parse.
    if (extra && text.startsWith('{')) text = `{"__proto__":{"polluted":true},${text.slice(1)}`;
    return { text, kind: 'envelope' };
  });

const control = fc
  .record({
    type: fc.constantFrom(
      'exit.cancelled',
      'exit.paused',
      'exit.resumed',
      'exit.rescheduled',
      'exit.task.completed',
    ),
    // Read by exit.task.completed only: a task id or a title, valid or hostile, or none.
    task: fc.oneof(
      fc.record({
        taskId: fc.oneof(
          fc.nat({ max: 12 }).map((n) => `t${n}`),
          hostileText,
          wrongType,
        ),
      }),
      fc.record({
        title: fc.oneof(
          fc.constantFrom('Final invoice sent', 'follow-up CALL'),
          hostileText,
          wrongType,
        ),
      }),
      fc.constant(undefined),
    ),
    // Read by exit.rescheduled only: future, within the grace, beyond it, impossible, hostile.
    effectiveOn: fc.oneof(
      daysFromToday(-40, 400),
      anyDate,
      fc.oneof(hostileText, wrongType),
      fc.constant(undefined),
    ),
    data: fc.oneof(
      fc.record({ exitId: fc.oneof(fc.stringMatching(/^x[0-9a-f]{24}$/), hostileText, wrongType) }),
      fc.record({
        externalId: fc.oneof(
          fc.nat({ max: 50 }).map((n) => `crm-${n}`),
          hostileText,
        ),
      }),
      fc.record({}),
      wrongType,
    ),
  })
  .map(({ effectiveOn, task, ...event }): Body => {
    const { data } = event;
    const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
    const dated =
      isObject && (effectiveOn !== undefined || task !== undefined)
        ? {
            ...event,
            data: { ...data, ...(effectiveOn !== undefined ? { effectiveOn } : {}), ...task },
          }
        : event;
    return { text: JSON.stringify(dated), kind: 'control' };
  });

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 12, arbitrary: envelope },
  { weight: 2, arbitrary: control },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map((text): Body => ({ text, kind: 'json' })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        hostileText,
        fc.constantFrom('', 'null', '[]', '"x"', '1e999', '\ufeff{}', '{"type":', '{}}', 'NULL'),
      )
      .map((text): Body => ({ text, kind: 'junk' })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((text): Body => ({ text, kind: 'bytes' })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 4096 }).map(
      (over): Body => ({
        text: `{"pad":"${'x'.repeat(MAX_BYTES + over - 10)}"}`,
        kind: 'oversized',
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 15_000 }).map(
      (depth): Body => ({
        text: `{"type":"exit.requested","data":{"client":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
        kind: 'deep',
      }),
    ),
  },
);

const contentType = fc.oneof(
  { weight: 14, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | undefined>(
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/vnd.crm+json',
      ' application/json',
      'application/json;',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      '',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'application/octet-stream',
      'application/xml',
    ),
  },
  { weight: 1, arbitrary: hostileText },
);

const signing = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Signing>('signed') },
  { weight: 2, arbitrary: fc.constantFrom<Signing>('skewed', 'multi', 'duplicated-other') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Signing>(
      'stale',
      'future',
      'other-secret',
      'tampered',
      'none',
      'partial',
      'random',
      'duplicated-id',
    ),
  },
);

export interface WebhookCase {
  body: Body;
  contentType: string | undefined;
  signing: Signing;
  /** The event id: one of the pool, or hostile. */
  id: string;
  /** Seconds off now for skewed, stale and future signings. */
  skew: number;
  noise: { random: string[]; upperCase: boolean; which: 0 | 1 | 2 };
}

export const webhookCase: fc.Arbitrary<WebhookCase> = fc.record({
  body,
  contentType,
  signing,
  id: fc.oneof(
    { weight: 9, arbitrary: fc.nat({ max: ID_POOL - 1 }).map((n) => `msg_hostile_${n}`) },
    { weight: 1, arbitrary: hostileText.filter((id) => id !== '' && !/[\r\n]/.test(id)) },
  ),
  skew: fc.integer({ min: 0, max: 1_000_000 }),
  noise: fc.record({
    random: fc.array(hostileText, { minLength: 3, maxLength: 3 }),
    upperCase: fc.boolean(),
    which: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
  }),
});

function isJsonMedia(type: string | undefined): boolean {
  const media = (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** The request's headers for a case: the contract's three, as the signing says. */
export function webhookHeaders(
  c: WebhookCase,
  now = new Date(),
): Record<string, string | string[]> {
  const text =
    typeof c.body.text === 'string' ? c.body.text : Buffer.from(c.body.text).toString('utf8');
  const offset = {
    skewed: ((c.skew % 561) - 280) * 1000,
    stale: -(301 + c.skew) * 1000,
    future: (301 + c.skew) * 1000,
  }[c.signing as 'skewed' | 'stale' | 'future'];
  const at = new Date(now.getTime() + (offset ?? 0));
  const secret = c.signing === 'other-secret' ? OTHER_SECRET : TEST_WEBHOOK_SECRET;
  const signedBody = c.signing === 'tampered' ? `${text} ` : text;
  const signature = new Webhook(secret).sign(c.id, at, signedBody);
  const values: Partial<Record<(typeof NAMES)[number], string | string[]>> = {
    'webhook-id': c.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
  const [first = '', second = '', third = ''] = c.noise.random;
  const which = NAMES[c.noise.which];
  switch (c.signing) {
    case 'none':
      for (const name of NAMES) delete values[name];
      break;
    case 'partial':
      delete values[which];
      break;
    case 'random':
      values['webhook-id'] = first;
      values['webhook-timestamp'] = second;
      values['webhook-signature'] = third;
      break;
    case 'multi':
      values['webhook-signature'] = [
        `v1,${Buffer.from(first).toString('base64')}`,
        'v2,abc',
        signature,
        third,
      ].join(' ');
      break;
    case 'duplicated-id':
      values['webhook-id'] = [c.id, first || 'again'];
      break;
    case 'duplicated-other': {
      const name = c.noise.which === 2 ? 'webhook-signature' : 'webhook-timestamp';
      values[name] = [values[name] as string, first];
      break;
    }
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(values)) {
    headers[c.noise.upperCase ? name.replace(/(^|-)[a-z]/g, (s) => s.toUpperCase()) : name] = value;
  }
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  return headers;
}

/** What the contract's date rule needs to know: the stack's clock, zone and grace. */
export interface DateRule {
  now: () => Date;
  defaultZone: string;
  graceDays: number;
}

/**
 * Whether a valid request's effective date is refused: more than the grace before the client's
 * today (a date within it means today and is accepted).
 */
function pastBeyondGrace(
  data: { effectiveOn?: string; client: { timezone?: string } },
  rule: DateRule,
): boolean {
  if (data.effectiveOn === undefined) return false;
  const zone = data.client.timezone ?? rule.defaultZone;
  const earliest = DateTime.fromJSDate(rule.now(), { zone })
    .minus({ days: rule.graceDays })
    .toISODate();
  return earliest !== null && data.effectiveOn < earliest;
}

/** The date rule of a stack. */
export function dateRuleOf(stack: HostileStack): DateRule {
  const start = stack.deps.web.startExit;
  return {
    now: () => start.clock.now(),
    defaultZone: start.defaults.timezone,
    graceDays: (start.rules ?? DEFAULT_RULES).effectiveDate.pastGraceDays,
  };
}

/** The statuses the contract allows for a case, and whether it must start (or find) an exit. */
function expectation(
  c: WebhookCase,
  rule: DateRule,
  /** Whether the case's event id already started an exit (a redelivery answers as the first). */
  started: boolean,
): { statuses: number[]; accepted?: boolean } {
  const bytes =
    typeof c.body.text === 'string' ? Buffer.byteLength(c.body.text, 'utf8') : c.body.text.length;
  if (bytes > MAX_BYTES) return { statuses: [413] };
  if (!isJsonMedia(c.contentType)) return { statuses: [415] };
  if (!VERIFIED.has(c.signing)) return { statuses: [401] };
  // An id too long to key the stored answer is refused before the body is read.
  if (Buffer.byteLength(c.id) > MAX_WEBHOOK_ID_BYTES) return { statuses: [400] };
  const text =
    typeof c.body.text === 'string' ? c.body.text : Buffer.from(c.body.text).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { statuses: [400] };
  }
  // Duplicated timestamp or signature headers: what the library makes of them is its business.
  if (c.signing === 'duplicated-other') return { statuses: [202, 200, 401, 404, 409, 422] };
  const plainObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const event = plainObject(parsed) ? parsed : {};
  // Only the generator's own timestamps are surely valid; any other string is the schema's call.
  const timestampOk =
    event.timestamp === undefined ||
    (typeof event.timestamp === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(event.timestamp));
  if (
    plainObject(parsed) &&
    event.type === 'exit.requested' &&
    plainObject(event.data) &&
    timestampOk
  ) {
    const parsed = exitRequestSchema.safeParse(event.data);
    if (!parsed.success) return { statuses: [422] };
    // The date rule needs the clock, so it is checked when an exit is built: never for an id
    // that already started one.
    if (pastBeyondGrace(parsed.data, rule) && !started) return { statuses: [422] };
    return { statuses: [202], accepted: true };
  }
  if (c.body.kind === 'control') return { statuses: [200, 404, 409, 422] };
  return { statuses: [422] };
}

/** Fuzzes the webhook endpoint in process; throws on the first broken invariant. */
export async function fuzzWebhooks(stack: HostileStack, runs: number): Promise<FuzzFigures> {
  const rule = dateRuleOf(stack);
  return fuzz('POST /webhooks/exits', webhookCase, runs, async (c, tally) => {
    const started =
      (await stack.harness.stack.store.get(exitIdFromEvent('webhook', c.id))) !== undefined;
    const response = await stack.call({
      method: 'POST',
      path: '/webhooks/exits',
      headers: webhookHeaders(c),
      body: c.body.text,
    });
    tally.add(response.statusCode);
    const problems = responseProblems(response);
    const expected = expectation(c, rule, started);
    if (!expected.statuses.includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}, expected ${expected.statuses.join(' or ')}`);
    }
    const text = bodyOf(response);
    let answer: { status?: unknown; exitId?: unknown; errors?: unknown } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      problems.push('a body that is not JSON');
    }
    if (response.statusCode >= 400 && answer.status !== response.statusCode) {
      problems.push('a problem document whose status is not the response status');
    }
    if (
      response.statusCode === 422 &&
      !(Array.isArray(answer.errors) && answer.errors.length > 0)
    ) {
      problems.push('a 422 naming no field');
    }
    if (expected.accepted && answer.exitId !== exitIdFromEvent('webhook', c.id)) {
      problems.push(`exit id ${String(answer.exitId)} is not the one the event id derives`);
    }
    if (problems.length > 0) {
      throw new Error(
        `${problems.join('; ')}\nresponse: ${response.statusCode} ${text.slice(0, 600)}`,
      );
    }
  });
}

/**
 * A run of pause and resume events on one exit, each with its own id and send time, delivered in
 * a shuffled order with some delivered again (a replay, byte for byte, under the same id).
 */
export interface ControlRun {
  /** Per event: pause or resume; event `i` was sent `i` seconds after the first. */
  events: ('exit.paused' | 'exit.resumed')[];
  /** Indexes into `events`, in delivery order; an index seen before is a replay. */
  deliveries: number[];
}

export const controlRun: fc.Arbitrary<ControlRun> = fc.oneof(
  // Resume on an active exit, then an older pause (sent first, delivered last).
  {
    weight: 1,
    arbitrary: fc.constant<ControlRun>({
      events: ['exit.paused', 'exit.resumed'],
      deliveries: [1, 0],
    }),
  },
  {
    weight: 7,
    arbitrary: fc
      .array(fc.constantFrom<'exit.paused' | 'exit.resumed'>('exit.paused', 'exit.resumed'), {
        minLength: 1,
        maxLength: 6,
      })
      .chain((events) =>
        fc
          .tuple(
            fc.shuffledSubarray(
              events.map((_, i) => i),
              { minLength: events.length, maxLength: events.length },
            ),
            fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 4 }),
            fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
          )
          .map(([order, replays, spots]) => {
            const deliveries = [...order];
            replays.forEach((index, k) => {
              deliveries.splice((spots[k] ?? 0) % (deliveries.length + 1), 0, index);
            });
            return { events, deliveries };
          }),
      ),
  },
);

/**
 * Fuzzes the order of control events: whatever the delivery order and replays, an exit ends in
 * the state the contract gives (no change sent before the last applied one wins), and every
 * redelivery of an id answers what its first delivery answered.
 */
export async function fuzzControlOrder(
  stack: HostileStack,
  runs: number,
  startExit: () => Promise<string>,
): Promise<FuzzFigures> {
  return fuzz('POST /webhooks/exits (control order)', controlRun, runs, async (run, tally) => {
    const exitId = await startExit();
    const first = Date.now() - 60_000;
    const ids = run.events.map((_, i) => `msg_order_${exitId}_${i}`);
    const bodies = run.events.map((type, i) =>
      JSON.stringify({
        type,
        timestamp: new Date(first + i * 1000).toISOString(),
        data: { exitId },
      }),
    );
    const answers = new Map<number, string>();
    for (const index of run.deliveries) {
      const id = ids[index] ?? '';
      const text = bodies[index] ?? '';
      const at = new Date();
      const response = await stack.call({
        method: 'POST',
        path: '/webhooks/exits',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(TEST_WEBHOOK_SECRET).sign(id, at, text),
        },
        body: text,
      });
      tally.add(response.statusCode);
      const answer = bodyOf(response);
      if (response.statusCode !== 200) {
        throw new Error(`status ${response.statusCode} for a control: ${answer.slice(0, 300)}`);
      }
      const earlier = answers.get(index);
      if (earlier !== undefined && earlier !== answer) {
        throw new Error(`a replay answered ${answer}, the first delivery ${earlier}`);
      }
      answers.set(index, answer);
    }
    // The contract as a model: an id applies once; a change sent before the last applied one is
    // ignored; an event asking for the state the exit is in changes nothing but still counts as
    // the last one (a resume that found the exit active outranks an older pause arriving later).
    let wanted = 'active';
    let last = -1;
    const seen = new Set<number>();
    for (const index of run.deliveries) {
      if (seen.has(index)) continue;
      seen.add(index);
      if (index < last) continue;
      wanted = run.events[index] === 'exit.paused' ? 'paused' : 'active';
      last = index;
    }
    const exit = await stack.harness.stack.store.get(exitId);
    if (exit?.status !== wanted) {
      throw new Error(`ended ${String(exit?.status)}, the contract asks for ${wanted}`);
    }
  });
}
