import { describe, it } from 'vitest';
import { reportFigures, watchRun } from '../support/hostile-checks.js';
import { fuzzExitActions, fuzzNewExit } from '../support/hostile-console-fuzz.js';
import { fuzzConsolePages } from '../support/hostile-console-pages-fuzz.js';
import { QUICK_RUNS } from '../support/hostile-fuzz.js';
import { fuzzImportCommand, fuzzParseImport } from '../support/hostile-import-fuzz.js';
import { fuzzLinks, fuzzVerifyLinkToken } from '../support/hostile-link-fuzz.js';
import { fuzzSignIn } from '../support/hostile-sign-in-fuzz.js';
import { type HostileStack, startHostileStack } from '../support/hostile-stack.js';
import { fuzzSurvey } from '../support/hostile-survey-fuzz.js';
import { fuzzWebhooks } from '../support/hostile-webhook-fuzz.js';
import { startForFile } from '../support/start-for-file.js';

/**
 * Every hostile-input fuzzer at a small size, so `npm test` notices a broken invariant early;
 * `npm run test:stress` runs them at 10,000 cases each (test/hostile/fuzz-*.stress.ts).
 */

const stack = startForFile(startHostileStack);

describe(`every hostile-input entry point, ${QUICK_RUNS} cases each`, () => {
  it.each([
    ['POST /webhooks/exits', (s: HostileStack) => fuzzWebhooks(s, QUICK_RUNS)],
    ['console sign-in', (s: HostileStack) => fuzzSignIn(s, QUICK_RUNS)],
    ['console new exit', (s: HostileStack) => fuzzNewExit(s, QUICK_RUNS)],
    ['console exit actions', (s: HostileStack) => fuzzExitActions(s, QUICK_RUNS, 10)],
    ['console pages', (s: HostileStack) => fuzzConsolePages(s, QUICK_RUNS)],
    ['survey answers', (s: HostileStack) => fuzzSurvey(s, QUICK_RUNS, 20)],
    ['link tokens', (s: HostileStack) => fuzzLinks(s, QUICK_RUNS, 20)],
    ['verifyLinkToken', () => fuzzVerifyLinkToken(QUICK_RUNS * 10)],
    ['CSV parseImport', () => fuzzParseImport(QUICK_RUNS)],
    ['farewell import', (s: HostileStack) => fuzzImportCommand(s, QUICK_RUNS)],
  ] as const)('%s', async (name, fuzzer) => {
    const run = watchRun(stack);

    const figures = await fuzzer(stack);

    reportFigures(figures, name === 'verifyLinkToken' ? QUICK_RUNS * 10 : QUICK_RUNS);
    run.check();
  });
});
