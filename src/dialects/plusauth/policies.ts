/**
 * PlusAuth `policies` (seeds 000–001) ⇄ the core tenant model: account_blocking and
 * brute_force are the core lockout mechanism with a fixed block; password is the core policy.
 *
 * Writing is a patch: a member left out keeps its stored value; `null` clears the optional
 * password members (`custom_chars`, `history`). PlusAuth's fixed `block_duration` stands for
 * two stored values (first and longest block): it writes both only when it differs from the
 * first block stored, so a Vault-style growing block survives a patch that does not touch it.
 */
import type { TenantSettings } from '../../core/tenants/settings.js';

export interface PlusAuthAccountBlocking {
  enabled: boolean;
  allowed_attempts: number;
  duration: number;
  block_duration: number;
  reset_after_success: boolean;
  allow_user_unblock: boolean;
  notification: boolean;
}

export interface PlusAuthBruteForce {
  enabled: boolean;
  allowed_attempts: number;
  duration: number;
  block_duration: number;
  white_list: string[];
  notification: boolean;
}

export interface PlusAuthPasswordPolicy {
  min?: number;
  max?: number;
  upper_case?: number;
  lower_case?: number;
  number?: number;
  custom_chars?: string;
  history?: number;
}

export interface PlusAuthPolicies {
  account_blocking: PlusAuthAccountBlocking;
  brute_force: PlusAuthBruteForce;
  password: PlusAuthPasswordPolicy;
}

type Nullable<T> = { [K in keyof T]?: T[K] | null };

export interface PlusAuthPoliciesPatch {
  account_blocking?: Partial<PlusAuthAccountBlocking>;
  brute_force?: Partial<PlusAuthBruteForce>;
  password?: Nullable<PlusAuthPasswordPolicy>;
}

export function plusAuthPolicies(s: TenantSettings): PlusAuthPolicies {
  const lock = s.userLockout;
  const brute = s.ipBruteForce;
  const pw = s.passwordPolicy;
  return {
    account_blocking: {
      allow_user_unblock: lock.allowUserUnblock,
      allowed_attempts: lock.maxAttempts,
      block_duration: lock.initialBlockSeconds,
      duration: lock.windowSeconds,
      enabled: lock.enabled,
      notification: lock.notifyUser,
      reset_after_success: lock.resetAfterSuccess,
    },
    brute_force: {
      allowed_attempts: brute.maxAttempts,
      block_duration: brute.initialBlockSeconds,
      duration: brute.windowSeconds,
      enabled: brute.enabled,
      notification: brute.notify,
      white_list: [...brute.whiteList],
    },
    password: {
      ...(pw.customChars ? { custom_chars: pw.customChars } : {}),
      ...(pw.history.enabled ? { history: pw.history.count } : {}),
      lower_case: pw.minLowerCase,
      max: pw.maxLength,
      min: pw.minLength,
      number: pw.minDigits,
      upper_case: pw.minUpperCase,
    },
  };
}

/** Writes a PlusAuth policies patch onto core settings. */
export function applyPlusAuthPolicies(base: TenantSettings, policies: PlusAuthPoliciesPatch): TenantSettings {
  const s = structuredClone(base);
  const blocking = policies.account_blocking;
  if (blocking) {
    const lock = s.userLockout;
    if (blocking.enabled !== undefined) lock.enabled = blocking.enabled;
    if (blocking.allowed_attempts !== undefined) lock.maxAttempts = blocking.allowed_attempts;
    if (blocking.duration !== undefined) lock.windowSeconds = blocking.duration;
    if (blocking.block_duration !== undefined && blocking.block_duration !== lock.initialBlockSeconds) {
      lock.initialBlockSeconds = blocking.block_duration;
      lock.maxBlockSeconds = blocking.block_duration;
      // FusionAuth shows the block in the unit it was last written in; seconds it cannot show in that unit read as minutes.
      if (blocking.block_duration % 60 !== 0) lock.displayUnit = 'MINUTES';
    }
    if (blocking.reset_after_success !== undefined) lock.resetAfterSuccess = blocking.reset_after_success;
    if (blocking.allow_user_unblock !== undefined) lock.allowUserUnblock = blocking.allow_user_unblock;
    if (blocking.notification !== undefined) lock.notifyUser = blocking.notification;
  }
  const brute = policies.brute_force;
  if (brute) {
    const ip = s.ipBruteForce;
    if (brute.enabled !== undefined) ip.enabled = brute.enabled;
    if (brute.allowed_attempts !== undefined) ip.maxAttempts = brute.allowed_attempts;
    if (brute.duration !== undefined) ip.windowSeconds = brute.duration;
    if (brute.block_duration !== undefined && brute.block_duration !== ip.initialBlockSeconds) {
      ip.initialBlockSeconds = brute.block_duration;
      ip.maxBlockSeconds = brute.block_duration;
    }
    if (brute.white_list !== undefined) ip.whiteList = [...brute.white_list];
    if (brute.notification !== undefined) ip.notify = brute.notification;
  }
  const pw = policies.password;
  if (pw) {
    const p = s.passwordPolicy;
    if (pw.min != null) p.minLength = pw.min;
    if (pw.max != null) p.maxLength = pw.max;
    if (pw.upper_case != null) p.minUpperCase = pw.upper_case;
    if (pw.lower_case != null) p.minLowerCase = pw.lower_case;
    if (pw.number != null) p.minDigits = pw.number;
    if (pw.custom_chars !== undefined) p.customChars = pw.custom_chars || null;
    if (pw.history !== undefined) p.history = pw.history === null ? { enabled: false, count: p.history.count } : { enabled: true, count: pw.history };
  }
  return s;
}
