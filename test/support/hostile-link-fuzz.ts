/**
 * Link tokens under hostile input: valid, expired, for another purpose or exit, changed by one
 * edit, or junk, on `GET`/`POST /s/{token}`, `/u/{token}` and `/h/{token}` in process; and
 * `verifyLinkToken` on its own.
 */
import fc from 'fast-check';
import { newExitId } from '../../functions/domain/ids.js';
import {
  type LinkPurpose,
  signLinkToken,
  verifyLinkToken,
} from '../../functions/domain/link-token.js';
import { hostileText } from './hostile-arbitraries.js';
import { clientCsrf, clientPool, linkMint } from './hostile-client-pool.js';
import {
  effectiveFields,
  type FormEncoding,
  formBody,
  formEncoding,
  formRequest,
  refusedForm,
} from './hostile-forms.js';
import { type FuzzFigures, fuzz } from './hostile-fuzz.js';
import { bodyOf, percentEncode } from './hostile-http.js';
import { responseProblems, throwProblems } from './hostile-invariants.js';
import type { HostileStack } from './hostile-stack.js';

const DAY = 86_400;

type TokenKind =
  | 'valid'
  | 'wrong-purpose'
  | 'expired'
  | 'unknown-exit'
  | 'mutated'
  | 'random'
  | 'hostile'
  | 'long';

interface Mutation {
  kind: 'flip' | 'insert' | 'delete' | 'truncate' | 'append' | 'case' | 'swap-parts';
  at: number;
  char: string;
  bits: number;
}

interface LinkCase {
  route: '/s/' | '/u/' | '/h/';
  method: 'GET' | 'POST';
  kind: TokenKind;
  exit: number;
  mutation: Mutation;
  text: string;
  post: 'one-click' | 'one-click-multipart' | 'form' | 'junk';
  action: string;
  /** The handover page's `item` field: an id, `all`, or anything else. */
  item: string;
  encoding: FormEncoding;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>(
    'flip',
    'insert',
    'delete',
    'truncate',
    'append',
    'case',
    'swap-parts',
  ),
  at: fc.nat(),
  char: fc.constantFrom('A', 'a', '-', '_', '.', '=', '!', ' ', '%', '+', '/', '0', 'é'),
  bits: fc.integer({ min: 1, max: 127 }),
});

const linkCase: fc.Arbitrary<LinkCase> = fc.record({
  route: fc.constantFrom<LinkCase['route']>('/s/', '/u/', '/h/'),
  method: fc.constantFrom<LinkCase['method']>('GET', 'POST'),
  kind: fc.oneof(
    { weight: 3, arbitrary: fc.constant<TokenKind>('valid') },
    { weight: 4, arbitrary: fc.constant<TokenKind>('mutated') },
    {
      weight: 3,
      arbitrary: fc.constantFrom<TokenKind>(
        'wrong-purpose',
        'expired',
        'unknown-exit',
        'random',
        'hostile',
        'long',
      ),
    },
  ),
  exit: fc.nat(),
  mutation,
  text: hostileText,
  post: fc.constantFrom<LinkCase['post']>('one-click', 'one-click-multipart', 'form', 'junk'),
  action: fc.oneof(fc.constantFrom('stop', 'pause', 'resubscribe'), hostileText),
  item: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('all', 'h1', 'h2', 'h3', 'h999', 'h0', 'H1', '') },
    { weight: 1, arbitrary: hostileText },
  ),
  encoding: formEncoding,
});

/** A token changed by one edit (which may, by chance, leave it as it was). */
export function mutate(token: string, change: Mutation): string {
  const at = change.at % Math.max(1, token.length);
  const char = token[at] ?? 'A';
  switch (change.kind) {
    case 'flip':
      return `${token.slice(0, at)}${String.fromCharCode(char.charCodeAt(0) ^ change.bits)}${token.slice(at + 1)}`;
    case 'insert':
      return `${token.slice(0, at)}${change.char}${token.slice(at)}`;
    case 'delete':
      return `${token.slice(0, at)}${token.slice(at + 1)}`;
    case 'truncate':
      return token.slice(0, at);
    case 'append':
      return `${token}${change.char}`;
    case 'case':
      return `${token.slice(0, at)}${char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase()}${token.slice(at + 1)}`;
    case 'swap-parts': {
      const [payload = '', signature = ''] = token.split('.');
      return `${signature}.${payload}`;
    }
  }
}

/** The handover form's item ids as the page accepts them (any other answers 400). */
const ITEM = /^(all|h[1-9][0-9]{0,2})$/;

/** The link purpose of each client page, and one it must refuse. */
const PURPOSE: Record<LinkCase['route'], [LinkPurpose, LinkPurpose]> = {
  '/s/': ['survey', 'unsubscribe'],
  '/u/': ['unsubscribe', 'survey'],
  '/h/': ['handover', 'survey'],
};

/**
 * Fuzzes `GET`/`POST /s/{token}`, `/u/{token}` and `/h/{token}` with tokens valid, expired,
 * changed or junk.
 */
export async function fuzzLinks(
  stack: HostileStack,
  runs: number,
  poolSize = 200,
): Promise<FuzzFigures> {
  const pool = await clientPool(stack, poolSize, 'links');
  const mint = linkMint(stack);
  const csrf = clientCsrf(stack);
  const name = 'link tokens (GET/POST /s/{token}, /u/{token}, /h/{token})';
  return fuzz(name, linkCase, runs, async (c, tally) => {
    const exitId = pool[c.exit % pool.length] ?? '';
    const [purpose, other] = PURPOSE[c.route];
    const valid = mint.token(exitId, purpose);
    const token = {
      valid,
      'wrong-purpose': mint.token(exitId, other),
      expired: mint.token(exitId, purpose, -1),
      'unknown-exit': mint.token(newExitId(), purpose),
      mutated: mutate(valid, c.mutation),
      random: `${Buffer.from(c.text).toString('base64url')}.${Buffer.from(c.text.split('').reverse().join('')).toString('base64url')}`,
      hostile: percentEncode(c.text),
      long: `${valid}${'A'.repeat(600)}`,
    }[c.kind];
    const path = `${c.route}${token}`;
    const routed = token !== '' && !token.includes('/');
    const opens = c.kind === 'valid' || (c.kind === 'mutated' && token === valid);
    let refused: 413 | 415 | undefined;
    let response: Awaited<ReturnType<HostileStack['call']>>;
    let expected: number[];
    if (c.method === 'GET') {
      response = await stack.call({ method: 'GET', path, query: `score=${percentEncode(c.text)}` });
      expected = opens ? [200] : c.kind === 'expired' ? [410] : [404];
    } else if (c.post === 'one-click' || c.post === 'one-click-multipart') {
      const multipart = c.post === 'one-click-multipart';
      response = await stack.call({
        method: 'POST',
        path,
        headers: {
          'content-type': multipart
            ? 'multipart/form-data; boundary=----farewell'
            : 'application/x-www-form-urlencoded',
        },
        body: multipart
          ? '------farewell\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n------farewell--\r\n'
          : 'List-Unsubscribe=One-Click',
      });
      const works = opens && purpose === 'unsubscribe';
      // Elsewhere, a one-click body is only a form without its token (multipart: not a form).
      expected = works
        ? [200]
        : purpose !== 'unsubscribe' && multipart
          ? [415]
          : c.kind === 'expired'
            ? [410]
            : opens
              ? [403]
              : [404];
    } else {
      const fields: Record<string, string> =
        c.post === 'form'
          ? {
              csrf: csrf.token(path),
              action: c.action,
              item: c.item,
              reason: 'budget',
              score: '7',
            }
          : { junk: c.text };
      response = await stack.call(
        formRequest(path, fields, c.encoding, [`farewell-csrf=${csrf.secret}`]),
      );
      refused = refusedForm(fields, c.encoding);
      const read = effectiveFields(fields, c.encoding);
      const tokenOk = read.csrf === csrf.token(path);
      const choice = ['stop', 'pause', 'resubscribe'].includes(read.action ?? '');
      // A form body that is, by chance, the one-click pair unsubscribes without a token.
      const oneClick =
        purpose === 'unsubscribe' && formBody(fields, c.encoding) === 'List-Unsubscribe=One-Click';
      // A choice the page never offers is answered before the link is opened.
      const unknownChoice =
        tokenOk &&
        ((purpose === 'unsubscribe' && !choice) ||
          (purpose === 'handover' && !ITEM.test(read.item ?? '')));
      expected = oneClick
        ? [200, 404, 410]
        : refused
          ? [refused]
          : unknownChoice
            ? [400]
            : c.kind === 'expired'
              ? [410]
              : !opens
                ? [404]
                : !tokenOk
                  ? [403]
                  : purpose === 'survey'
                    ? [200, 409, 422]
                    : purpose === 'handover'
                      ? // An id the exit does not have answers 409 with the list as it stands.
                        [200, 409]
                      : [200];
    }
    tally.add(`${c.method} ${c.route} ${c.kind} ${response.statusCode}`);
    const problems = responseProblems(response);
    if (!routed) expected = [404, 405];
    if (!expected.includes(response.statusCode)) {
      problems.push(`status ${response.statusCode}, expected ${expected.join(' or ')}`);
    }
    if (response.statusCode >= 300 && response.statusCode < 400) problems.push('a redirect');
    throwProblems(problems, response, bodyOf(response));
  });
}

// ---------------------------------------------------------------------------------------------
// verifyLinkToken

const KEYS = ['k'.repeat(32), 'previous-key-still-verifying-0123'];
const NOW = new Date('2027-01-29T10:00:00Z');

interface VerifyCase {
  shape: 'valid' | 'mutated' | 'random' | 'dotted';
  exitId: string;
  purpose: LinkPurpose;
  asked: LinkPurpose;
  expiresIn: number;
  key: 0 | 1 | 'other';
  mutation: Mutation;
  text: string;
}

const verifyCase: fc.Arbitrary<VerifyCase> = fc.record({
  shape: fc.constantFrom<VerifyCase['shape']>('valid', 'mutated', 'mutated', 'random', 'dotted'),
  exitId: fc.oneof(
    fc.stringMatching(/^x[0-9a-f]{24}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((id) => !id.includes('.')),
  ),
  purpose: fc.constantFrom<LinkPurpose>('survey', 'unsubscribe'),
  asked: fc.constantFrom<LinkPurpose>('survey', 'unsubscribe'),
  expiresIn: fc.integer({ min: -400 * DAY, max: 400 * DAY }).filter((seconds) => seconds !== 0),
  key: fc.constantFrom<VerifyCase['key']>(0, 1, 'other'),
  mutation,
  text: fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 200 })),
});

/** Fuzzes `verifyLinkToken` directly: never throws; only an untouched, unexpired token verifies. */
export async function fuzzVerifyLinkToken(runs: number): Promise<FuzzFigures> {
  return fuzz('verifyLinkToken', verifyCase, runs, (c, tally) => {
    const expiresAt = Math.floor(NOW.getTime() / 1000) + c.expiresIn;
    const signer = c.key === 'other' ? ['an-unrelated-key-of-32-characters'] : [KEYS[c.key] ?? ''];
    const signed = signLinkToken(signer, { exitId: c.exitId, purpose: c.purpose, expiresAt });
    const token = {
      valid: signed,
      mutated: mutate(signed, c.mutation),
      random: c.text,
      dotted: `${c.text}.${c.text}.${c.text}`,
    }[c.shape];
    const check = verifyLinkToken(KEYS, token, c.asked, NOW);
    tally.add(check.valid ? 'valid' : check.reason);
    const untouched = c.shape === 'valid' || (c.shape === 'mutated' && token === signed);
    const shouldVerify =
      untouched && c.key !== 'other' && c.asked === c.purpose && expiresAt > NOW.getTime() / 1000;
    if (check.valid !== shouldVerify) {
      throw new Error(
        `verified ${check.valid}, expected ${shouldVerify}: ${JSON.stringify(check)}`,
      );
    }
    if (check.valid && (check.claims.exitId !== c.exitId || check.claims.expiresAt !== expiresAt)) {
      throw new Error(`claims changed: ${JSON.stringify(check.claims)}`);
    }
    if (!check.valid && untouched && c.key !== 'other') {
      const reason = c.asked !== c.purpose ? 'wrong-purpose' : 'expired';
      if (check.reason !== reason) throw new Error(`reason ${check.reason}, expected ${reason}`);
    }
  });
}
