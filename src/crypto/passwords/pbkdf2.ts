/**
 * PBKDF2 (RFC 8018) with HMAC-SHA-256 (FusionAuth's default, 24,000 iterations, 256-bit key)
 * and HMAC-SHA-512 (import only). Runs on libuv's thread pool, never the event loop.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { PasswordHasher } from './types.js';
import { equalDigests } from './compare.js';

const pbkdf2 = promisify(crypto.pbkdf2);
const randomBytes = promisify(crypto.randomBytes);

function saltBytes(salt: string | null): Buffer {
  return Buffer.from(salt ?? '', 'base64');
}

export const pbkdf2Sha256: PasswordHasher = {
  scheme: 'salted-pbkdf2-hmac-sha256',
  defaultFactor: 24000,
  factorRange: [1000, 10_000_000],
  async hash(password, factor) {
    const salt = (await randomBytes(32)).toString('base64');
    const derived = await pbkdf2(password, saltBytes(salt), factor, 32, 'sha256');
    return { scheme: 'salted-pbkdf2-hmac-sha256', factor, salt, hash: derived.toString('base64') };
  },
  async verify(password, stored) {
    const derived = await pbkdf2(password, saltBytes(stored.salt), stored.factor, 32, 'sha256');
    return equalDigests(derived, stored.hash);
  },
};

export const pbkdf2Sha512: PasswordHasher = {
  scheme: 'salted-pbkdf2-hmac-sha512',
  defaultFactor: 210000,
  factorRange: [1, 10_000_000],
  async verify(password, stored) {
    const derived = await pbkdf2(password, saltBytes(stored.salt), stored.factor, 64, 'sha512');
    return equalDigests(derived, stored.hash);
  },
};
