import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * An exit started by a webhook gets an id derived from the webhook's event id, so a replayed
 * event lands on the same exit (the create is a conditional put).
 */
export function exitIdFromEvent(source: string, eventId: string): string {
  const digest = createHash('sha256').update(`${source}\u0000${eventId}`).digest('hex');
  return `x${digest.slice(0, 24)}`;
}

export function newExitId(): string {
  return `x${randomBytes(12).toString('hex')}`;
}

/**
 * Keyed hash of an address for the suppression list: no address is stored in clear there. An
 * empty address (an erased exit's) is refused: its hash would be one key shared by every erased
 * exit, so one client's unsubscribe or "email me again" would act on all of them.
 */
export function emailHash(key: string, email: string): string {
  const address = email.trim().toLowerCase();
  if (!address) throw new Error('Refusing to hash an empty email address');
  return createHmac('sha256', key).update(address).digest('hex');
}
