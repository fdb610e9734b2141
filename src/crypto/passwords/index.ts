/**
 * The password schemes, by name. New passwords use a tenant's chosen scheme (pbkdf2, bcrypt or
 * argon2id); imported hashes may also use the legacy digest schemes.
 */
import type { PasswordScheme } from '../../core/domain.js';
import { argon2id } from './argon2.js';
import { bcrypt } from './bcrypt.js';
import { saltedHmacSha256, saltedMd5, saltedSha256 } from './digest.js';
import { pbkdf2Sha256, pbkdf2Sha512 } from './pbkdf2.js';
import type { PasswordHasher, StoredPassword } from './types.js';

export type { StoredPassword };

export const PASSWORD_SCHEMES: Record<PasswordScheme, PasswordHasher> = {
  'salted-pbkdf2-hmac-sha256': pbkdf2Sha256,
  bcrypt,
  argon2id,
  'salted-md5': saltedMd5,
  'salted-sha256': saltedSha256,
  'salted-hmac-sha256': saltedHmacSha256,
  'salted-pbkdf2-hmac-sha512': pbkdf2Sha512,
};

/** The schemes a tenant may choose for new passwords: those that can hash, not only verify. */
export const NEW_PASSWORD_SCHEMES = (Object.keys(PASSWORD_SCHEMES) as PasswordScheme[]).filter((scheme) => PASSWORD_SCHEMES[scheme].hash !== undefined);

export function isKnownScheme(value: string): value is PasswordScheme {
  return Object.hasOwn(PASSWORD_SCHEMES, value);
}

export async function hashPassword(password: string, scheme: PasswordScheme, factor: number): Promise<StoredPassword> {
  const hasher = PASSWORD_SCHEMES[scheme];
  if (!hasher.hash) throw new Error(`${scheme} is accepted for imported hashes only`);
  return hasher.hash(password, factor);
}

export async function verifyPassword(password: string, stored: StoredPassword): Promise<boolean> {
  return PASSWORD_SCHEMES[stored.scheme].verify(password, stored);
}

const dummies = new Map<string, Promise<StoredPassword>>();

/**
 * Spends the same work as verifying a real password of this scheme and factor, so an unknown
 * user answers in the same time as a wrong password (no user enumeration by timing).
 */
export async function verifyAgainstDummy(password: string, scheme: PasswordScheme, factor: number): Promise<false> {
  const key = `${scheme}:${factor}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    dummy = hashPassword('tessera-dummy-password-never-matches', scheme, factor);
    dummies.set(key, dummy);
  }
  await verifyPassword(password, await dummy);
  return false;
}
