import { describe, it } from 'vitest';
import { reportFigures, watchRun } from '../support/hostile-checks.js';
import { FULL_RUNS } from '../support/hostile-fuzz.js';
import { fuzzImportCommand, fuzzParseImport } from '../support/hostile-import-fuzz.js';
import { startHostileStack } from '../support/hostile-stack.js';
import { startForFile } from '../support/start-for-file.js';

/** CSV import: 10,000 generated files through `parseImport`, 10,000 rows through the command. */

const stack = startForFile(startHostileStack);

describe('hostile CSV import', () => {
  it(`parseImport holds over ${FULL_RUNS} files`, async () => {
    reportFigures(await fuzzParseImport(FULL_RUNS), FULL_RUNS);
  });

  it(`farewell import holds over ${FULL_RUNS} rows`, async () => {
    const run = watchRun(stack);

    reportFigures(await fuzzImportCommand(stack, FULL_RUNS), FULL_RUNS);
    run.check();
  });
});
