/**
 * PlusAuth `hash_function` (bcrypt | argon2 | pbkdf2, default bcrypt) ⇄ the core's password
 * hashing scheme. Choosing a function through PlusAuth takes that scheme's default factor.
 */
import { PASSWORD_SCHEMES } from '../../crypto/passwords/index.js';
import type { PasswordScheme, TenantSettings } from '../../core/tenants/settings.js';

export type PlusAuthHashFunction = 'bcrypt' | 'argon2' | 'pbkdf2';

const TO_SCHEME: Record<PlusAuthHashFunction, PasswordScheme> = { bcrypt: 'bcrypt', argon2: 'argon2id', pbkdf2: 'salted-pbkdf2-hmac-sha256' };

export function plusAuthHashFunction(s: TenantSettings): PlusAuthHashFunction {
  const scheme = s.passwordHashing.scheme;
  return scheme === 'argon2id' ? 'argon2' : scheme === 'bcrypt' ? 'bcrypt' : 'pbkdf2';
}

export function applyPlusAuthHashFunction(base: TenantSettings, fn: PlusAuthHashFunction): TenantSettings {
  const scheme = TO_SCHEME[fn];
  if (base.passwordHashing.scheme === scheme) return base;
  return { ...base, passwordHashing: { ...base.passwordHashing, scheme, factor: PASSWORD_SCHEMES[scheme].defaultFactor } };
}
