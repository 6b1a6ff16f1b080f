import { describe, expect, it } from 'vitest';
import { HOME, safeNext } from '../../functions/handlers/console/next-path.js';

describe('where the console may send an operator next', () => {
  it.each([
    '/admin',
    '/admin/exits',
    '/admin/exits?status=paused&q=ada%20l',
    '/admin/exits/x0123456789abcdef01234567',
    '/admin/insights#latest-title',
  ])('keeps the console path %s', (next) => {
    expect(safeNext(next)).toBe(next);
  });

  it.each([
    undefined,
    '',
    'admin/exits',
    '//evil.example',
    '///evil.example',
    'https://evil.example/admin',
    'http:/evil.example',
    'javascript:alert(1)',
    '/\\evil.example',
    '/admin\\..\\evil',
    '/admin.evil.example',
    '/administrator',
    '/admin//evil.example',
    '/admin/%2F%2Fevil.example',
    '/admin/%5Cevil',
    '/admin/../account',
    '/admin/%2e%2e/account',
    '/admin/exits\nLocation: https://evil.example',
    '/admin/exits ',
    '/admin/sign-in',
    `/admin/${'a'.repeat(600)}`,
  ])('sends %j home instead', (next) => {
    expect(safeNext(next)).toBe(HOME);
  });
});
