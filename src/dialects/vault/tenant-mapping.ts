/**
 * The Vault tenant's `block_config` (seed 004) ⇄ the core lockout mechanism: user attempts
 * within a timeframe, IP attempts within a reset period, and one exponential block (first
 * `initial_block_seconds`, doubling up to `max_block_time_minutes`) for both.
 */
import type { TenantSettings } from '../../core/tenants/settings.js';

export interface VaultBlockConfig {
  ip_attempts_limit: number;
  ip_attempts_reset_minutes: number;
  user_attempts_limit: number;
  user_timeframe_seconds: number;
  initial_block_seconds: number;
  max_block_time_minutes: number;
}

export function vaultBlockConfig(s: TenantSettings): VaultBlockConfig {
  return {
    ip_attempts_limit: s.ipBruteForce.maxAttempts,
    ip_attempts_reset_minutes: Math.ceil(s.ipBruteForce.windowSeconds / 60),
    user_attempts_limit: s.userLockout.maxAttempts,
    user_timeframe_seconds: s.userLockout.windowSeconds,
    initial_block_seconds: s.userLockout.initialBlockSeconds,
    max_block_time_minutes: Math.ceil(s.userLockout.maxBlockSeconds / 60),
  };
}

export function applyVaultBlockConfig(base: TenantSettings, config: VaultBlockConfig): TenantSettings {
  const s = structuredClone(base);
  const maxBlockSeconds = config.max_block_time_minutes * 60;
  s.userLockout = {
    ...s.userLockout,
    enabled: true,
    maxAttempts: config.user_attempts_limit,
    windowSeconds: config.user_timeframe_seconds,
    initialBlockSeconds: config.initial_block_seconds,
    maxBlockSeconds,
  };
  s.ipBruteForce = {
    ...s.ipBruteForce,
    enabled: true,
    maxAttempts: config.ip_attempts_limit,
    windowSeconds: config.ip_attempts_reset_minutes * 60,
    initialBlockSeconds: config.initial_block_seconds,
    maxBlockSeconds,
  };
  return s;
}
