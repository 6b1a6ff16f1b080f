import { describe, it } from 'vitest';
import { reportFigures, watchRun } from '../support/hostile-checks.js';
import { FULL_RUNS } from '../support/hostile-fuzz.js';
import { fuzzLinks, fuzzVerifyLinkToken } from '../support/hostile-link-fuzz.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { fuzzSurvey } from '../support/hostile-survey-fuzz.js';
import { startForFile } from '../support/start-for-file.js';

/** Survey answers and link tokens, 10,000 hostile cases each; `verifyLinkToken` ten times that. */

const stack = startForFile(startHostileStack);

describe('hostile client page input', () => {
  it(`survey answers hold every invariant over ${FULL_RUNS} cases`, async () => {
    const run = watchRun(stack);

    reportFigures(await fuzzSurvey(stack, FULL_RUNS), FULL_RUNS);
    run.check();
  });

  it(`link tokens hold every invariant over ${FULL_RUNS} cases`, async () => {
    const run = watchRun(stack);

    reportFigures(await fuzzLinks(stack, FULL_RUNS), FULL_RUNS);
    run.check();
  });

  it(`verifyLinkToken holds over ${FULL_RUNS * 10} cases`, async () => {
    reportFigures(await fuzzVerifyLinkToken(FULL_RUNS * 10), FULL_RUNS * 10);
  });
});
