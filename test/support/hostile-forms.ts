/**
 * Hostile HTML form posts: the fields as a browser sends them, or repeated, or junk, or too
 * long, under the right media type or a wrong one; and what the contract says before any field
 * is read (413 over the size limit, 415 for anything but a urlencoded form).
 */
import fc from 'fast-check';
import { hostileText } from './hostile-arbitraries.js';
import type { HostileRequest } from './hostile-http.js';

/** `MAX_FORM_BYTES` of `functions/handlers/http/form-body.ts`. */
export const MAX_FORM_BYTES = 32 * 1024;

/** How a case's CSRF field relates to the one its form needs. */
export type CsrfMode = 'valid' | 'missing' | 'wrong' | 'other-form' | 'hostile';

/**
 * A case's CSRF mode: a wrong one in `wrongInTen` cases of ten, else the valid one, so most cases
 * get past the token to the form's own validation.
 */
export function csrfMode(wrongInTen = 1): fc.Arbitrary<CsrfMode> {
  return fc.oneof(
    { weight: 10 - wrongInTen, arbitrary: fc.constant<CsrfMode>('valid') },
    {
      weight: wrongInTen,
      arbitrary: fc.constantFrom<CsrfMode>('missing', 'wrong', 'other-form', 'hostile'),
    },
  );
}

export interface FormEncoding {
  kind: 'plain' | 'repeated' | 'junk' | 'oversized';
  junk: string;
  padding: number;
  contentType: string | undefined;
}

export const formEncoding: fc.Arbitrary<FormEncoding> = fc.record({
  kind: fc.oneof(
    { weight: 16, arbitrary: fc.constant<FormEncoding['kind']>('plain') },
    { weight: 1, arbitrary: fc.constant<FormEncoding['kind']>('repeated') },
    { weight: 1, arbitrary: fc.constant<FormEncoding['kind']>('junk') },
    { weight: 1, arbitrary: fc.constant<FormEncoding['kind']>('oversized') },
  ),
  junk: fc.oneof(
    hostileText,
    fc.constantFrom('%', '%zz', '&&&', '=', 'a=%E0%A4%A', '+%2B+', 'csrf&csrf=&csrf'),
  ),
  padding: fc.integer({ min: 1, max: 2048 }),
  contentType: fc.oneof(
    { weight: 16, arbitrary: fc.constant<string | undefined>('application/x-www-form-urlencoded') },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | undefined>(
        'application/x-www-form-urlencoded; charset=UTF-8',
        'APPLICATION/X-WWW-FORM-URLENCODED',
        'multipart/form-data; boundary=----x',
        'application/json',
        'text/plain',
        '',
        undefined,
      ),
    },
    { weight: 1, arbitrary: hostileText },
  ),
});

/** The body a case sends for `fields`. */
export function formBody(fields: Record<string, string>, encoding: FormEncoding): string {
  const plain = new URLSearchParams(fields).toString();
  switch (encoding.kind) {
    case 'plain':
      return plain;
    case 'repeated':
      // The first value of a repeated name counts; an attacker's second value must not.
      return `${plain}&${new URLSearchParams(
        Object.fromEntries(Object.keys(fields).map((name) => [name, encoding.junk])),
      ).toString()}`;
    case 'junk':
      return `${encoding.junk}&${plain}`;
    case 'oversized':
      return `${plain}&pad=${'x'.repeat(MAX_FORM_BYTES + encoding.padding)}`;
  }
}

/** A form post of `fields` to `path`, encoded as the case says. */
export function formRequest(
  path: string,
  fields: Record<string, string>,
  encoding: FormEncoding,
  cookies: string[],
): HostileRequest {
  return {
    method: 'POST',
    path,
    cookies,
    headers: encoding.contentType === undefined ? {} : { 'content-type': encoding.contentType },
    body: formBody(fields, encoding),
  };
}

/** 413 or 415 when the body or its media type is refused before any field is read. */
export function refusedForm(
  fields: Record<string, string>,
  encoding: FormEncoding,
): 413 | 415 | undefined {
  if (Buffer.byteLength(formBody(fields, encoding), 'utf8') > MAX_FORM_BYTES) return 413;
  const media = (encoding.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return media === 'application/x-www-form-urlencoded' ? undefined : 415;
}

/** The fields the server reads from a case's body: the first value of each name. */
export function effectiveFields(
  fields: Record<string, string>,
  encoding: FormEncoding,
): Record<string, string> {
  const read: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(formBody(fields, encoding))) {
    if (!(name in read)) read[name] = value;
  }
  return read;
}
