/**
 * Operator passwords, hashed with scrypt from `node:crypto`. The hash is stored as a PHC string
 * (`$scrypt$ln=15,r=8,p=3$<salt>$<hash>`), so the cost parameters travel with it: raising them
 * later leaves every stored hash verifiable, and `needsRehash` says which to upgrade.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation; Node computes the p lanes one after the other. */
  p: number;
}

/**
 * One of OWASP's equivalent scrypt settings (N=2^15, r=8, p=3): about 250 ms on one core and
 * 32 MiB of memory per hash, so a small Lambda can hash while four run side by side.
 */
export const PASSWORD_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Bounds for parameters read back from a stored hash: a corrupt value must not pin the CPU. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, params: ScryptParams, length: number) {
  const N = 2 ** params.ln;
  return new Promise<Buffer>((resolve, reject) => {
    // Node refuses (roughly) 128·N·r bytes above maxmem; leave room for its own bookkeeping.
    const options = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function encode(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

function parse(stored: string): ParsedHash | undefined {
  const match = PHC.exec(stored);
  if (!match) return undefined;
  const [, ln, r, p, salt, hash] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  const inRange = (Object.keys(LIMITS) as (keyof ScryptParams)[]).every(
    (name) => params[name] >= LIMITS[name][0] && params[name] <= LIMITS[name][1],
  );
  if (!inRange || !salt || !hash) return undefined;
  return { params, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(
  password: string,
  params: ScryptParams = PASSWORD_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  return encode(params, salt, await derive(password, salt, params, KEY_LENGTH));
}

/**
 * Whether a password matches a stored hash, compared in constant time. A malformed hash never
 * matches (and costs no scrypt run: only this module writes hashes, so that is never an
 * operator's, and timing cannot tell an attacker anything about one).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length < 16) return false;
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * A well-formed hash that no password matches: checked against when an email is unknown, so a
 * sign-in costs one scrypt run whether or not the operator exists.
 */
export function unmatchableHash(params: ScryptParams = PASSWORD_PARAMS): string {
  return encode(params, randomBytes(SALT_LENGTH), randomBytes(KEY_LENGTH));
}

/** Whether a stored hash was made with other (older) parameters and should be replaced. */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parse(stored);
  return (
    !parsed ||
    parsed.params.ln !== params.ln ||
    parsed.params.r !== params.r ||
    parsed.params.p !== params.p ||
    parsed.hash.length !== KEY_LENGTH
  );
}
