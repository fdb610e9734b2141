/**
 * Password rules, once for every dialect: FusionAuth passwordValidationRules (lengths, mixed
 * case, number, non-alphanumeric, remember previous N, breach detection), PlusAuth
 * policies.password (counts of upper/lower/digit characters, custom_chars, history) and the
 * minimum password age. Each rejection names the rule it broke.
 */
import type { TenantSettings } from '../tenants/settings.js';
import { type StoredPassword, verifyPassword } from '../../crypto/passwords/index.js';
import { isCommonPassword } from './breached.js';

export type PasswordRule =
  | 'minLength'
  | 'maxLength'
  | 'upperCase'
  | 'lowerCase'
  | 'number'
  | 'nonAlpha'
  | 'customChars'
  | 'breached'
  | 'previous'
  | 'minimumAge';

export interface PasswordViolation {
  rule: PasswordRule;
  message: string;
}

type Policy = TenantSettings['passwordPolicy'];

function count(password: string, pattern: RegExp): number {
  return (password.match(pattern) ?? []).length;
}

/** The rules that need only the password itself. Lengths count characters, not UTF-16 units. */
export function checkPasswordRules(password: string, policy: Policy): PasswordViolation[] {
  const out: PasswordViolation[] = [];
  const length = [...password].length;
  // A minimum of 0 (PlusAuth allows it) still never lets an empty password through.
  const minLength = Math.max(1, policy.minLength);
  if (length < minLength) out.push({ rule: 'minLength', message: `The password must be at least ${minLength} characters.` });
  if (length > policy.maxLength) out.push({ rule: 'maxLength', message: `The password must be at most ${policy.maxLength} characters.` });
  if (count(password, /\p{Lu}/gu) < policy.minUpperCase) out.push({ rule: 'upperCase', message: `The password needs at least ${policy.minUpperCase} upper-case letter(s).` });
  if (count(password, /\p{Ll}/gu) < policy.minLowerCase) out.push({ rule: 'lowerCase', message: `The password needs at least ${policy.minLowerCase} lower-case letter(s).` });
  if (count(password, /\p{Nd}/gu) < policy.minDigits) out.push({ rule: 'number', message: `The password needs at least ${policy.minDigits} digit(s).` });
  if (policy.requireNonAlpha && !/[^\p{L}\p{Nd}]/u.test(password)) out.push({ rule: 'nonAlpha', message: 'The password needs at least one character that is not a letter or digit.' });
  if (policy.customChars && ![...policy.customChars].some((c) => password.includes(c))) {
    out.push({ rule: 'customChars', message: `The password needs at least one of these characters: ${policy.customChars}` });
  }
  if (policy.breachDetection.enabled && isCommonPassword(password)) {
    out.push({ rule: 'breached', message: 'The password is on a list of common or breached passwords.' });
  }
  return out;
}

/** The previous passwords a new one may not repeat (PlusAuth history 1–10; FusionAuth count). */
export function historyDepth(policy: Policy): number {
  return policy.history.enabled ? policy.history.count : 0;
}

/** True when `password` matches the current or one of the remembered passwords. */
export async function reusesPrevious(password: string, previous: StoredPassword[]): Promise<boolean> {
  for (const stored of previous) {
    if (await verifyPassword(password, stored)) return true;
  }
  return false;
}

/** Minimum age: a password may not be changed again until it is this old. */
export function tooSoonToChange(policy: Policy, changedAt: number | null, now: number): PasswordViolation | undefined {
  if (!policy.minimumAge.enabled || changedAt === null) return undefined;
  if (now - changedAt >= policy.minimumAge.seconds * 1000) return undefined;
  return { rule: 'minimumAge', message: `The password was changed less than ${policy.minimumAge.seconds} seconds ago.` };
}

/** Maximum age: the password has expired and must be changed before the next login completes. */
export function passwordExpired(policy: Policy, changedAt: number | null, now: number): boolean {
  return policy.maximumAge.enabled && changedAt !== null && now - changedAt > policy.maximumAge.days * 86400_000;
}
