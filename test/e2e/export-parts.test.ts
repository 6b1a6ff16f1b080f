import { beforeAll, describe, expect, it } from 'vitest';
import type { Exit } from '../../functions/domain/exit.js';
import { TEXT_LIMITS } from '../../functions/domain/survey.js';
import { EXPORT_PART_BYTES } from '../../functions/rendering/exits-csv.js';
import { ConsoleClient } from '../support/console-client.js';
import { buildExit } from '../support/exit-fixture.js';
import { startForFile } from '../support/start-for-file.js';
import { CHEAP_PASSWORDS, startTestStack } from '../support/test-stack.js';

/**
 * The CSV export past what one Lambda response can carry (6 MB), over HTTP through the local
 * stack: heavy rows (every answer at its length limit, all quotes) make a few hundred exits
 * outweigh one part, so the test needs no tens of thousands of items.
 */
const harness = startForFile(() => startTestStack({}, { passwordParams: CHEAP_PASSWORDS }));
let signedIn: ConsoleClient;
const HEAVY = 180;

function heavy(at: number): Exit {
  const text = (length: number) => '"'.repeat(length);
  const when = new Date(Date.UTC(2025, 0, 1, 0, at)).toISOString();
  return buildExit({
    status: at % 2 === 0 ? 'completed' : 'cancelled',
    createdAt: when,
    survey: {
      answers: {
        reason: 'other',
        reasonDetail: text(TEXT_LIMITS.reasonDetail),
        whatWorked: text(TEXT_LIMITS.whatWorked),
        whatDidNot: text(TEXT_LIMITS.whatDidNot),
        improve: text(TEXT_LIMITS.improve),
        testimonial: text(TEXT_LIMITS.testimonial),
        score: 3,
      },
      answeredAt: when,
      revisedAt: when,
      revision: 1,
    },
  });
}

beforeAll(async () => {
  const { operator } = harness.stack;
  if (operator.password.source !== 'generated') throw new Error('expected a generated password');
  signedIn = new ConsoleClient(harness.stack.appUrl);
  expect((await signedIn.signIn(operator.email, operator.password.value)).status).toBe(303);
});

describe('the CSV export past one response', () => {
  it('comes in parts under the Lambda response limit, each naming the next, holding every exit', async () => {
    const exits = Array.from({ length: HEAVY }, (_, at) => heavy(at));
    for (const exit of exits) await harness.stack.store.create(exit);

    const ids: string[] = [];
    const names: string[] = [];
    let path: string | undefined = '/admin/exports/exits.csv';
    while (path && names.length < 10) {
      const response = await signedIn.get(path);
      expect(response.status).toBe(200);
      const body = await response.text();
      // What the Lambda would answer: the body as a JSON string.
      expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(EXPORT_PART_BYTES + 16);
      names.push(response.headers.get('content-disposition') ?? '');
      ids.push(...[...body.matchAll(/\r\n"(x[0-9a-f]{24})",/g)].map((match) => match[1] ?? ''));
      const link = response.headers.get('link');
      const next = /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];
      if (next) {
        const lines = body.split('\r\n');
        expect(lines.at(-2)).toMatch(
          new RegExp(
            `^"Part ${names.length} ends here and more exits follow: download part ${names.length + 1} from http://`,
          ),
        );
        expect(lines.at(-2)).toContain(next.replace(/^https?:\/\/[^/]+/, ''));
      } else {
        expect(body).not.toContain('more exits follow');
      }
      path = next ? new URL(next).pathname + new URL(next).search : undefined;
    }

    expect(names.length).toBeGreaterThan(1);
    expect(names[0]).toMatch(/filename="farewell-exits-\d{4}-\d{2}-\d{2}-part-1\.csv"$/);
    expect(names[1]).toMatch(/-part-2\.csv"$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(exits.map((exit) => exit.id)));
  });

  it('refuses a cursor it did not give out, plainly', async () => {
    const response = await signedIn.get('/admin/exports/exits.csv?part=2&cursor=forged~x');
    expect(response.status).toBe(422);
  });
});
