/**
 * Argon2id with OWASP's recommended parameters (19 MiB memory, parallelism 1); the factor is
 * the time cost (iterations, default 2). The PHC string stores its own parameters and salt.
 */
import { Algorithm, hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { PasswordHasher } from './types.js';

export const ARGON2_MEMORY_KIB = 19456;

export const argon2id: PasswordHasher = {
  scheme: 'argon2id',
  defaultFactor: 2,
  factorRange: [1, 10],
  async hash(password, factor) {
    const hash = await argonHash(password, { algorithm: Algorithm.Argon2id, memoryCost: ARGON2_MEMORY_KIB, timeCost: factor, parallelism: 1 });
    return { scheme: 'argon2id', factor, salt: null, hash };
  },
  async verify(password, stored) {
    try {
      return await argonVerify(stored.hash, password);
    } catch {
      return false;
    }
  },
};
