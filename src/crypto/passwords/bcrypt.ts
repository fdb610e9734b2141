/** bcrypt (factor = cost, 4–31). The stored hash is the modular-crypt string, salt included. */
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import type { PasswordHasher } from './types.js';

/** An imported bcrypt hash may arrive split as FusionAuth exports it: 22-char salt + 31-char hash. */
function modularCrypt(stored: { factor: number; salt: string | null; hash: string }): string {
  if (stored.hash.startsWith('$2')) return stored.hash;
  return `$2a$${String(stored.factor).padStart(2, '0')}$${stored.salt ?? ''}${stored.hash}`;
}

export const bcrypt: PasswordHasher = {
  scheme: 'bcrypt',
  defaultFactor: 10,
  factorRange: [4, 31],
  async hash(password, factor) {
    return { scheme: 'bcrypt', factor, salt: null, hash: await bcryptHash(password, factor) };
  },
  async verify(password, stored) {
    try {
      return await bcryptVerify(password, modularCrypt(stored));
    } catch {
      return false; // a malformed stored hash never matches
    }
  },
};
