import { describe, it } from 'vitest';
import { reportFigures, watchRun } from '../support/hostile-checks.js';
import { fuzzExitActions, fuzzNewExit } from '../support/hostile-console-fuzz.js';
import { fuzzConsolePages } from '../support/hostile-console-pages-fuzz.js';
import { FULL_RUNS } from '../support/hostile-fuzz.js';
import { fuzzSignIn } from '../support/hostile-sign-in-fuzz.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { startForFile } from '../support/start-for-file.js';

/** The operator console's forms and pages, 10,000 hostile cases each, in process. */

const stack = startForFile(startHostileStack);

describe('hostile console input', () => {
  it.each([
    ['sign-in', fuzzSignIn],
    ['the new-exit form', fuzzNewExit],
    ['exit actions', fuzzExitActions],
    ['pages with hostile queries', fuzzConsolePages],
  ] as const)(`%s hold every invariant over ${FULL_RUNS} cases`, async (_, fuzzer) => {
    const run = watchRun(stack);

    const figures = await fuzzer(stack, FULL_RUNS);

    reportFigures(figures, FULL_RUNS);
    run.check();
  });
});
