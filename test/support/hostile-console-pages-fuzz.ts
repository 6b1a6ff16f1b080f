/**
 * The console's pages (`GET`) signed in, with hostile query parameters (status, search, paging
 * cursors, notices, `next`) and paths.
 */
import fc from 'fast-check';
import { hostileText, PROTOTYPE_KEYS } from './hostile-arbitraries.js';
import {
  consoleLocationProblem,
  consoleSession,
  OFF_SITE_NEXT,
} from './hostile-console-session.js';
import { type FuzzFigures, fuzz } from './hostile-fuzz.js';
import { bodyOf, headerOf, percentEncode } from './hostile-http.js';
import { responseProblems, throwProblems } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';

interface PageCase {
  path: string;
  query: Record<string, string>;
}

/** A cursor of the right shape with hostile keys: the kind a person tampering with a URL makes. */
const shapedCursor = fc
  .record({
    gsi1pk: fc.constantFrom('status#active', 'status#paused', 'status#x', ''),
    gsi1sk: fc.oneof(hostileText, fc.constant('')),
    pk: fc.oneof(hostileText, fc.constant(''), fc.constant('exit#x')),
    sk: fc.oneof(fc.constant('exit'), fc.constant(''), hostileText),
  })
  .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url'));

/** A list cursor of the sharded index's shape (`{after}`): a sort key, hostile or nearly right. */
const afterCursor = fc
  .record({
    after: fc.oneof(
      hostileText,
      fc.constantFrom(
        '',
        `2025-01-01T00:00:00.000Z#x${'0'.repeat(24)}`,
        `9999-12-31T23:59:59.999Z#x${'f'.repeat(24)}`,
        '2025-01-01T00:00:00.000Z#x',
      ),
    ),
  })
  .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url'));

/** An export cursor: a status (or not), `~`, then a list cursor (or anything). */
const exportCursor = fc
  .tuple(
    fc.constantFrom('active', 'completed', 'ACTIVE', '', '__proto__'),
    fc.oneof(afterCursor, shapedCursor, hostileText, fc.constant('')),
  )
  .map(([status, cursor]) => `${status}~${cursor}`);

const pageCase: fc.Arbitrary<PageCase> = fc.record({
  path: fc.oneof(
    { weight: 6, arbitrary: fc.constant('/admin/exits') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '/admin',
        '/admin/',
        '/admin/insights',
        '/admin/exits/new',
        '/admin/exports/exits.csv',
        '/admin/sign-in',
        `/admin/exits/x${'0'.repeat(24)}`,
        `/admin/exits/x${'0'.repeat(24)}/erase`,
        `/admin/exits/x${'0'.repeat(24)}/record`,
      ),
    },
    { weight: 1, arbitrary: hostileText.map((text) => `/admin/${percentEncode(text)}`) },
  ),
  query: fc.record(
    {
      status: fc.oneof(
        fc.constantFrom(
          'active',
          'paused',
          'cancelled',
          'completed',
          'awaiting-approval',
          'ACTIVE',
        ),
        hostileText,
      ),
      q: hostileText,
      // The exits list's "has overdue tasks" filter: only `1` turns it on.
      overdue: fc.oneof(fc.constantFrom('1', '0', 'true', ''), hostileText),
      cursor: fc.oneof(
        shapedCursor,
        afterCursor,
        exportCursor,
        hostileText,
        fc.base64String({ maxLength: 40 }),
      ),
      part: fc.oneof(fc.constantFrom('2', '0', '-1', '1e400', 'NaN', '100001'), hostileText),
      done: fc.oneof(
        fc.constantFrom(
          'started',
          'erased',
          'task-done',
          'task-added',
          'approved',
          'discarded',
          'unknown',
          ...PROTOTYPE_KEYS,
        ),
        hostileText,
      ),
      travelled: fc.oneof(fc.constantFrom('1', '1e400', '-1', '0x10', 'NaN'), hostileText),
      fired: fc.oneof(fc.constantFrom('1', '-1', '1e400'), hostileText),
      next: fc.oneof(fc.constantFrom(...OFF_SITE_NEXT), hostileText),
      'signed-out': hostileText,
    },
    { requiredKeys: [] },
  ),
});

/** Fuzzes the console's GET pages signed in, with hostile query parameters and paths. */
export async function fuzzConsolePages(stack: HostileStack, runs: number): Promise<FuzzFigures> {
  const session = await consoleSession(stack);
  return fuzz('console pages (GET)', pageCase, runs, async (c, tally) => {
    const response = await stack.call({
      method: 'GET',
      path: c.path,
      query: new URLSearchParams(c.query).toString(),
      cookies: session.cookies,
    });
    tally.add(response.statusCode);
    const problems = responseProblems(response, { redirectsUnder: '/admin' });
    if (![200, 303, 404, 422].includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}`);
    }
    if (response.statusCode === 303) {
      const off = consoleLocationProblem(headerOf(response, 'location') ?? '');
      if (off) problems.push(off);
    }
    throwProblems(problems, response, bodyOf(response));
  });
}
