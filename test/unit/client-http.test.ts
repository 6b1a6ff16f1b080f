import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { Csrf, csrfKeys } from '../../functions/handlers/http/csrf.js';
import { isOneClickUnsubscribe, readForm } from '../../functions/handlers/http/form-body.js';
import { asset, CONTENT_SECURITY_POLICY, htmlPage } from '../../functions/handlers/http/pages.js';

function event(init: {
  body?: string;
  contentType?: string;
  cookies?: string[];
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/s/token',
    rawQueryString: '',
    headers: init.contentType ? { 'content-type': init.contentType } : {},
    ...(init.cookies ? { cookies: init.cookies } : {}),
    isBase64Encoded: false,
    ...(init.body !== undefined ? { body: init.body } : {}),
    requestContext: {} as APIGatewayProxyEventV2['requestContext'],
  };
}

const keys = csrfKeys(['l'.repeat(32)]);

describe('Csrf', () => {
  const csrf = new Csrf({ keys, secure: false });

  function browser() {
    const session = csrf.session(event({}));
    const cookie = session.setCookie?.split(';')[0] ?? '';
    return { session, cookies: [cookie] };
  }

  it('sets an HttpOnly, SameSite=Strict cookie when the browser has none', () => {
    const { session } = browser();

    expect(session.setCookie).toMatch(
      /^farewell-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
  });

  it('uses the __Host- prefix and Secure on https', () => {
    const session = new Csrf({ keys, secure: true }).session(event({}));

    expect(session.setCookie).toMatch(/^__Host-farewell-csrf=.*; Secure$/);
  });

  it('keeps the secret of a browser that already has the cookie', () => {
    const { session, cookies } = browser();

    const again = csrf.session(event({ cookies }));

    expect(again).toEqual({ secret: session.secret });
  });

  it('accepts the field made for that cookie and that form action', () => {
    const { session, cookies } = browser();
    const field = csrf.token(session.secret, '/s/abc');

    expect(csrf.verify(event({ cookies }), '/s/abc', field)).toBe(true);
  });

  it('refuses a field made for another form', () => {
    const { session, cookies } = browser();
    const field = csrf.token(session.secret, '/s/abc');

    expect(csrf.verify(event({ cookies }), '/u/abc', field)).toBe(false);
  });

  it('refuses a post without the cookie, as a cross-site post arrives', () => {
    const { session } = browser();
    const field = csrf.token(session.secret, '/s/abc');

    expect(csrf.verify(event({}), '/s/abc', field)).toBe(false);
  });

  it("refuses another browser's cookie", () => {
    const mine = browser();
    const theirs = browser();
    const field = csrf.token(mine.session.secret, '/s/abc');

    expect(csrf.verify(event({ cookies: theirs.cookies }), '/s/abc', field)).toBe(false);
  });

  it('refuses a missing or altered field', () => {
    const { session, cookies } = browser();
    const field = csrf.token(session.secret, '/s/abc');

    expect(csrf.verify(event({ cookies }), '/s/abc', undefined)).toBe(false);
    const altered = `${field.startsWith('A') ? 'B' : 'A'}${field.slice(1)}`;
    expect(csrf.verify(event({ cookies }), '/s/abc', altered)).toBe(false);
  });

  it('still accepts fields signed with the previous key after a rotation', () => {
    const { session, cookies } = browser();
    const field = csrf.token(session.secret, '/s/abc');
    const rotated = new Csrf({ keys: [...csrfKeys(['n'.repeat(32)]), ...keys], secure: false });

    expect(rotated.verify(event({ cookies }), '/s/abc', field)).toBe(true);
  });
});

describe('readForm', () => {
  it('reads a urlencoded form, keeping the first value of a repeated name', () => {
    const form = readForm(
      event({
        contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
        body: 'score=4&reason=budget&score=9&improve=a+b%26c',
      }),
    );

    expect(form).toEqual({ ok: true, fields: { score: '4', reason: 'budget', improve: 'a b&c' } });
  });

  it('answers 415 for another media type', () => {
    const form = readForm(event({ contentType: 'application/json', body: '{"score":4}' }));

    expect(form).toMatchObject({ ok: false, status: 415 });
  });

  it('answers 413 past the size limit', () => {
    const body = `improve=${'x'.repeat(100)}`;

    const form = readForm(event({ contentType: 'application/x-www-form-urlencoded', body }), 50);

    expect(form).toMatchObject({ ok: false, status: 413 });
  });
});

describe('isOneClickUnsubscribe', () => {
  it('recognises the RFC 8058 body as a urlencoded form', () => {
    const post = event({
      contentType: 'application/x-www-form-urlencoded',
      body: 'List-Unsubscribe=One-Click',
    });

    expect(isOneClickUnsubscribe(post)).toBe(true);
  });

  it('recognises it as a multipart form', () => {
    const body = [
      '--b0undary',
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      '--b0undary--',
      '',
    ].join('\r\n');

    expect(
      isOneClickUnsubscribe(event({ contentType: 'multipart/form-data; boundary=b0undary', body })),
    ).toBe(true);
  });

  it.each([
    ['an empty body', ''],
    ['a page form', 'action=stop&csrf=x'],
    ['the pair plus another field', 'List-Unsubscribe=One-Click&action=resubscribe'],
    ['another value', 'List-Unsubscribe=Yes'],
  ])('does not take %s for one', (_, body) => {
    const post = event({ contentType: 'application/x-www-form-urlencoded', body });

    expect(isOneClickUnsubscribe(post)).toBe(false);
  });
});

describe('page responses', () => {
  it('carry the security headers and are never cached', () => {
    const response = htmlPage(200, '<p>hi</p>');

    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('send cookies only when given', () => {
    expect(htmlPage(200, '').cookies).toBeUndefined();
    expect(htmlPage(200, '', { cookies: ['a=b'] }).cookies).toEqual(['a=b']);
  });

  it('cache a hashed asset for good', () => {
    const response = asset('text/css', 'body{}', 'abc');

    expect(response.headers).toMatchObject({
      'cache-control': 'public, max-age=31536000, immutable',
      etag: '"abc"',
    });
  });
});
