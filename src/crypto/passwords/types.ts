import type { PasswordScheme } from '../../core/domain.js';

/** A password as stored: the scheme and factor it was hashed with, its salt and its hash. */
export interface StoredPassword {
  scheme: PasswordScheme;
  /** Iterations (pbkdf2), cost (bcrypt), time cost (argon2id); 1 for the unsalted-digest schemes. */
  factor: number;
  /** Base64 salt for the schemes that keep it apart from the hash; null where the hash embeds it. */
  salt: string | null;
  hash: string;
}

/** One password hashing scheme. `hash` is only offered by the schemes allowed for new passwords. */
export interface PasswordHasher {
  readonly scheme: PasswordScheme;
  readonly defaultFactor: number;
  /** Bounds for a tenant's factor (cost/iterations) for new passwords. */
  readonly factorRange: readonly [number, number];
  hash?(password: string, factor: number): Promise<StoredPassword>;
  verify(password: string, stored: StoredPassword): Promise<boolean>;
}
