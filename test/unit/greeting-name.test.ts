import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultGreetingName, greetingNameOf } from '../../functions/domain/greeting-name.js';

describe('defaultGreetingName', () => {
  it.each([
    [
      'Maximilian Alexander von Hohenberg-Lichtenstein, Honorary Consul',
      'Maximilian Alexander von Hohenberg-Lichtenstein, Honorary Consul',
    ],
    ['Maximilian von Hohenberg Honorary Consul', 'Maximilian'],
    ['Ada Lovelace', 'Ada'],
    ['Jean-Luc Picard', 'Jean-Luc'],
    ['Dr Ada Lovelace', 'Dr Ada Lovelace'],
    ['Dr. Ada Lovelace', 'Dr. Ada Lovelace'],
    ['Herr Max Müller', 'Herr Max Müller'],
    ['Prof Grace Hopper', 'Prof Grace Hopper'],
    ['Lovelace, Ada', 'Lovelace, Ada'],
    ['Cher', 'Cher'],
    ['山田 太郎', '山田 太郎'],
    ['山田太郎', '山田太郎'],
    ['J. R. Tolkien', 'J. R. Tolkien'],
    ['A Smith', 'A Smith'],
    ['Émile Zola', 'Émile'],
  ])('greets %s as %s', (name, expected) => {
    expect(defaultGreetingName(name)).toBe(expected);
  });

  it('is always a non-empty part of the name', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((name) => name.trim() !== ''),
        (name) => {
          const greeting = defaultGreetingName(name);
          expect(greeting.length).toBeGreaterThan(0);
          expect(name).toContain(greeting);
        },
      ),
    );
  });

  it('prefers the greeting name the caller gave', () => {
    expect(greetingNameOf({ name: 'Ada Lovelace', greetingName: 'Countess' })).toBe('Countess');
    expect(greetingNameOf({ name: 'Ada Lovelace' })).toBe('Ada');
  });
});
