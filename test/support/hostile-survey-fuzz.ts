/**
 * Survey answers (`POST /s/{token}`) under hostile input, in process, posted with a valid link
 * and CSRF token so the validator and the store are reached.
 */
import fc from 'fast-check';
import { ValidationError } from '../../functions/domain/errors.js';
import { LEAVING_REASONS } from '../../functions/domain/exit.js';
import { parseSurveyAnswers } from '../../functions/domain/survey.js';
import { hostileText } from './hostile-arbitraries.js';
import { clientCsrf, clientPool, linkMint } from './hostile-client-pool.js';
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
import { bodyOf } from './hostile-http.js';
import { responseProblems, throwProblems } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';

interface SurveyCase {
  exit: number;
  fields: Record<string, string>;
  csrf: CsrfMode;
  cookie: 'browser' | 'none' | 'hostile';
  hostile: string;
  encoding: FormEncoding;
}

const freeText = fc.oneof(
  { weight: 8, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom('d'.repeat(1000), 'e'.repeat(1001), 'f'.repeat(2001)) },
);

const surveyFields = fc.record(
  {
    reason: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...LEAVING_REASONS) },
      { weight: 1, arbitrary: fc.constantFrom('Budget', ' budget ', 'budget\u0000', '') },
      { weight: 1, arbitrary: hostileText },
    ),
    reasonDetail: freeText,
    whatWorked: freeText,
    whatDidNot: freeText,
    improve: freeText,
    score: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 10 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('11', '-1', '5.5', '05', ' 7 ', '1e1', '０', '') },
      { weight: 1, arbitrary: hostileText },
    ),
    winBack: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('yes', 'maybe', 'no') },
      { weight: 1, arbitrary: fc.constantFrom('YES', '', 'perhaps') },
      { weight: 1, arbitrary: hostileText },
    ),
    testimonial: freeText,
    publishAs: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('name', 'company', 'anonymous', 'private') },
      { weight: 1, arbitrary: fc.constantFrom('Name', '', 'public') },
      { weight: 1, arbitrary: hostileText },
    ),
    extra: hostileText,
  },
  { requiredKeys: [] },
);

const surveyCase: fc.Arbitrary<SurveyCase> = fc.record({
  exit: fc.nat(),
  fields: surveyFields,
  csrf: csrfMode(),
  cookie: fc.oneof(
    { weight: 9, arbitrary: fc.constant<SurveyCase['cookie']>('browser') },
    { weight: 1, arbitrary: fc.constantFrom<SurveyCase['cookie']>('none', 'hostile') },
  ),
  hostile: hostileText,
  encoding: formEncoding,
});

/** What the survey use case makes of fields (the domain's own rules, as the oracle of 422). */
function surveyVerdict(fields: Record<string, string>): 'invalid' | 'valid' {
  try {
    parseSurveyAnswers(fields);
    return 'valid';
  } catch (error) {
    if (error instanceof ValidationError) return 'invalid';
    throw error;
  }
}

/** Fuzzes `POST /s/{token}` with valid links and tokens, so answers reach the store. */
export async function fuzzSurvey(
  stack: HostileStack,
  runs: number,
  poolSize = 300,
): Promise<FuzzFigures> {
  const pool = await clientPool(stack, poolSize, 'survey');
  const mint = linkMint(stack);
  const tokens = pool.map((exitId) => mint.token(exitId, 'survey'));
  const csrf = clientCsrf(stack);
  // The derived field is the one the page itself carries.
  const first = `/s/${tokens[0]}`;
  const page = bodyOf(
    await stack.call({ method: 'GET', path: first, cookies: [`farewell-csrf=${csrf.secret}`] }),
  );
  if (!page.includes(`value="${csrf.token(first)}"`)) {
    throw new Error('the derived CSRF field is not the one the survey page carries');
  }
  return fuzz('survey answers (POST /s/{token})', surveyCase, runs, async (c, tally) => {
    const token = tokens[c.exit % tokens.length] ?? '';
    const action = `/s/${token}`;
    const field = {
      valid: csrf.token(action),
      missing: undefined,
      wrong: csrf.token(`${action}x`),
      'other-form': csrf.token(`/u/${token}`),
      hostile: c.hostile,
    }[c.csrf];
    const cookies = {
      browser: [`farewell-csrf=${csrf.secret}`],
      none: [],
      hostile: [`farewell-csrf=${c.hostile}`],
    }[c.cookie];
    const fields = { ...c.fields, ...(field !== undefined ? { csrf: field } : {}) };
    const response = await stack.call(formRequest(action, fields, c.encoding, cookies));
    tally.add(response.statusCode);
    const text = bodyOf(response);
    const problems = responseProblems(response);
    const read = effectiveFields(fields, c.encoding);
    const refused = refusedForm(fields, c.encoding);
    const { csrf: sent, ...answers } = read;
    const expected = refused
      ? [refused]
      : sent !== csrf.token(action) || c.cookie !== 'browser'
        ? [403]
        : surveyVerdict(answers) === 'invalid'
          ? [422]
          : [200, 409];
    if (!expected.includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}, expected ${expected.join(' or ')}`);
    }
    throwProblems(problems, response, text);
  });
}
