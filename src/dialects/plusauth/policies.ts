/**
 * PlusAuth `policies` (seeds 000–001) ⇄ the core tenant model: account_blocking and
 * brute_force are the core lockout mechanism with a fixed block; password is the core policy.
 * The HTTP view (/tenants/{tenant_id}/settings) arrives with its issue; the mapping is here so
 * that PlusAuth's configuration is one view of the same settings.
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

export function plusAuthPolicies(s: TenantSettings): PlusAuthPolicies {
  const lock = s.userLockout;
  const brute = s.ipBruteForce;
  const pw = s.passwordPolicy;
  return {
    account_blocking: {
      enabled: lock.enabled,
      allowed_attempts: lock.maxAttempts,
      duration: lock.windowSeconds,
      block_duration: lock.initialBlockSeconds,
      reset_after_success: lock.resetAfterSuccess,
      allow_user_unblock: lock.allowUserUnblock,
      notification: lock.notifyUser,
    },
    brute_force: {
      enabled: brute.enabled,
      allowed_attempts: brute.maxAttempts,
      duration: brute.windowSeconds,
      block_duration: brute.initialBlockSeconds,
      white_list: [...brute.whiteList],
      notification: brute.notify,
    },
    password: {
      min: pw.minLength,
      max: pw.maxLength,
      upper_case: pw.minUpperCase,
      lower_case: pw.minLowerCase,
      number: pw.minDigits,
      ...(pw.customChars ? { custom_chars: pw.customChars } : {}),
      ...(pw.history.enabled ? { history: pw.history.count } : {}),
    },
  };
}

/** Writes PlusAuth policies onto core settings (a fixed block: first block = longest block). */
export function applyPlusAuthPolicies(base: TenantSettings, policies: Partial<PlusAuthPolicies>): TenantSettings {
  const s = structuredClone(base);
  const blocking = policies.account_blocking;
  if (blocking) {
    s.userLockout = {
      ...s.userLockout,
      enabled: blocking.enabled,
      maxAttempts: blocking.allowed_attempts,
      windowSeconds: blocking.duration,
      initialBlockSeconds: blocking.block_duration,
      maxBlockSeconds: blocking.block_duration,
      displayUnit: blocking.block_duration % 60 === 0 ? s.userLockout.displayUnit : 'MINUTES',
      resetAfterSuccess: blocking.reset_after_success,
      allowUserUnblock: blocking.allow_user_unblock,
      notifyUser: blocking.notification,
    };
  }
  const brute = policies.brute_force;
  if (brute) {
    s.ipBruteForce = {
      enabled: brute.enabled,
      maxAttempts: brute.allowed_attempts,
      windowSeconds: brute.duration,
      initialBlockSeconds: brute.block_duration,
      maxBlockSeconds: brute.block_duration,
      whiteList: [...brute.white_list],
      notify: brute.notification,
    };
  }
  const pw = policies.password;
  if (pw) {
    const p = s.passwordPolicy;
    if (pw.min !== undefined) p.minLength = pw.min;
    if (pw.max !== undefined) p.maxLength = pw.max;
    if (pw.upper_case !== undefined) p.minUpperCase = pw.upper_case;
    if (pw.lower_case !== undefined) p.minLowerCase = pw.lower_case;
    if (pw.number !== undefined) p.minDigits = pw.number;
    p.customChars = pw.custom_chars ?? null;
    p.history = pw.history !== undefined ? { enabled: true, count: pw.history } : { enabled: false, count: p.history.count };
  }
  return s;
}
