/**
 * Salted single-digest schemes, accepted only for imported hashes so users can migrate
 * without a reset; a successful login re-hashes them (modifyEncryptionSchemeOnLogin). The
 * digest input follows the common `password{salt}` convention (Spring, FusionAuth); the
 * HMAC scheme keys the HMAC with the salt. Hashes are base64 (hex is accepted on import).
 */
import crypto from 'node:crypto';
import type { PasswordHasher, StoredPassword } from './types.js';
import { equalDigests } from './compare.js';

function digestScheme(scheme: StoredPassword['scheme'], compute: (password: string, salt: string) => Buffer): PasswordHasher {
  return {
    scheme,
    defaultFactor: 1,
    factorRange: [1, 1],
    async verify(password, stored) {
      return equalDigests(compute(password, stored.salt ?? ''), stored.hash);
    },
  };
}

export const saltedMd5 = digestScheme('salted-md5', (password, salt) => crypto.createHash('md5').update(`${password}{${salt}}`, 'utf8').digest());
export const saltedSha256 = digestScheme('salted-sha256', (password, salt) => crypto.createHash('sha256').update(`${password}{${salt}}`, 'utf8').digest());
export const saltedHmacSha256 = digestScheme('salted-hmac-sha256', (password, salt) => crypto.createHmac('sha256', salt).update(password, 'utf8').digest());
