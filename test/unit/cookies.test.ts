import { describe, expect, it } from 'vitest';
import {
  clearedSessionCookie,
  isSecureOrigin,
  readSessionCookie,
  sessionCookie,
} from '../../functions/handlers/http/cookies.js';

const now = new Date('2025-03-03T09:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('session cookie', () => {
  const session = { expiresAt: later(3600) };

  it('is HttpOnly, SameSite=Lax, Secure and __Host- prefixed on https', () => {
    const cookie = sessionCookie('token-value', session, now, { secure: true });

    expect(cookie).toBe(
      '__Host-farewell-session=token-value; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure',
    );
  });

  it('drops Secure and the __Host- prefix only for plain-http loopback', () => {
    const cookie = sessionCookie('token-value', session, now, { secure: false });

    expect(cookie).toBe(
      'farewell-session=token-value; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax',
    );
  });

  it('is cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookie({ secure: true })).toBe(
      '__Host-farewell-session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    );
  });

  it('is read from API Gateway cookies or a Cookie header', () => {
    const secure = { secure: true };

    expect(readSessionCookie(['a=1', '__Host-farewell-session=tok.en'], secure)).toBe('tok.en');
    expect(readSessionCookie('a=1; __Host-farewell-session=tok.en; b=2', secure)).toBe('tok.en');
    expect(readSessionCookie('farewell-session=tok.en', secure)).toBeUndefined();
    expect(readSessionCookie(undefined, secure)).toBeUndefined();
  });

  it('treats only https public URLs as secure', () => {
    expect(isSecureOrigin('https://farewell.example')).toBe(true);
    expect(isSecureOrigin('http://127.0.0.1:3000')).toBe(false);
  });
});
