/**
 * The Vault tenant (seed 004: Create/Read/Update Tenant, the tenant list, Get Client Tenant) ⇄
 * the core tenant model.
 *
 * - `tenant_id` is the tenant's slug; `display_name` its name. Every tenant has a unique,
 *   non-blank name (the FusionAuth view requires one), so a tenant created without a
 *   display_name is named after its tenant_id, and a name equal to the tenant_id reads as the
 *   documented default "".
 * - `block_config` is the core lockout mechanism: user attempts within a timeframe, IP attempts
 *   within a reset period, and one exponential block (first `initial_block_seconds`, doubling
 *   up to `max_block_time_minutes`) for both. Writing it switches both per-user and per-IP
 *   blocking on: the Vault service always limits both.
 * - The login methods (PIN, pattern, passkeys, biometrics) are stored as given.
 */
import type { Tenant, TenantSettings } from '../../core/tenants/settings.js';

export interface VaultBlockConfig {
  ip_attempts_limit: number;
  ip_attempts_reset_minutes: number;
  user_attempts_limit: number;
  user_timeframe_seconds: number;
  initial_block_seconds: number;
  max_block_time_minutes: number;
}

export interface VaultLivenessConfig {
  number_steps_min: number;
  number_steps_max: number;
  duration_in_seconds: number;
  number_of_allowed_failures: number;
  gesture_set: string[];
  number_blinks_max: number;
  number_blinks_min: number;
}

export type VaultLoginMethod = 'PIN' | 'PATTERN';

/** What Get Client Tenant shows anyone: the login settings, without the security ones. */
export interface VaultPublicTenant {
  tenant_id: string;
  register_enable: boolean;
  use_pin: boolean;
  pin_size: number;
  use_pattern: boolean;
  patter_size: number;
  use_face_recognition: boolean;
  use_liveness: boolean;
  display_name: string;
  show_pin_when_typing: boolean;
  login_order: VaultLoginMethod[];
  passkey_enabled: boolean;
  has_username_and_email: boolean;
  liveness_config: VaultLivenessConfig | null;
}

export interface VaultTenant extends VaultPublicTenant {
  is_2fa: boolean;
  block_config: VaultBlockConfig;
}

/** A create or replace with every default applied (tenant_id and display_name are the caller's). */
export type VaultTenantFields = Omit<VaultTenant, 'tenant_id' | 'display_name'>;

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

/** The display name the Vault shows: the tenant's name, "" when that is just its tenant_id. */
export function vaultDisplayName(tenant: Pick<Tenant, 'name' | 'slug'>): string {
  return tenant.name === tenant.slug ? '' : tenant.name;
}

/** The name a Vault display_name gives a tenant: itself, or the tenant_id when it is empty. */
export function nameFromDisplayName(displayName: string, slug: string): string {
  return displayName.trim() ? displayName : slug;
}

export function toPublicTenant(tenant: Tenant): VaultPublicTenant {
  const m = tenant.settings.loginMethods;
  return {
    tenant_id: tenant.slug,
    register_enable: tenant.settings.registration.selfServiceEnabled,
    use_pin: m.usePin,
    pin_size: m.pinSize,
    use_pattern: m.usePattern,
    patter_size: m.patternSize,
    use_face_recognition: m.useFaceRecognition,
    use_liveness: m.useLiveness,
    display_name: vaultDisplayName(tenant),
    show_pin_when_typing: m.showPinWhenTyping,
    login_order: [...m.loginOrder],
    passkey_enabled: m.passkeyEnabled,
    has_username_and_email: m.hasUsernameAndEmail,
    liveness_config: m.liveness && {
      number_steps_min: m.liveness.numberStepsMin,
      number_steps_max: m.liveness.numberStepsMax,
      duration_in_seconds: m.liveness.durationInSeconds,
      number_of_allowed_failures: m.liveness.numberOfAllowedFailures,
      gesture_set: [...m.liveness.gestureSet],
      number_blinks_max: m.liveness.numberBlinksMax,
      number_blinks_min: m.liveness.numberBlinksMin,
    },
  };
}

/** Read Tenant and the tenant list: seed 004's field order. */
export function toVaultTenant(tenant: Tenant): VaultTenant {
  const pub = toPublicTenant(tenant);
  return {
    tenant_id: pub.tenant_id,
    register_enable: pub.register_enable,
    is_2fa: tenant.settings.loginMethods.twoFactorRequired,
    use_pin: pub.use_pin,
    pin_size: pub.pin_size,
    use_pattern: pub.use_pattern,
    patter_size: pub.patter_size,
    use_face_recognition: pub.use_face_recognition,
    use_liveness: pub.use_liveness,
    display_name: pub.display_name,
    show_pin_when_typing: pub.show_pin_when_typing,
    block_config: vaultBlockConfig(tenant.settings),
    login_order: pub.login_order,
    passkey_enabled: pub.passkey_enabled,
    has_username_and_email: pub.has_username_and_email,
    liveness_config: pub.liveness_config,
  };
}

/** Writes a complete Vault tenant (defaults applied) onto core settings. */
export function applyVaultTenant(base: TenantSettings, v: VaultTenantFields): TenantSettings {
  const s = applyVaultBlockConfig(base, v.block_config);
  s.registration.selfServiceEnabled = v.register_enable;
  const l = v.liveness_config;
  s.loginMethods = {
    twoFactorRequired: v.is_2fa,
    usePin: v.use_pin,
    pinSize: v.pin_size,
    usePattern: v.use_pattern,
    patternSize: v.patter_size,
    showPinWhenTyping: v.show_pin_when_typing,
    loginOrder: [...v.login_order],
    passkeyEnabled: v.passkey_enabled,
    hasUsernameAndEmail: v.has_username_and_email,
    useFaceRecognition: v.use_face_recognition,
    useLiveness: v.use_liveness,
    liveness: l && {
      numberStepsMin: l.number_steps_min,
      numberStepsMax: l.number_steps_max,
      durationInSeconds: l.duration_in_seconds,
      numberOfAllowedFailures: l.number_of_allowed_failures,
      gestureSet: [...l.gesture_set],
      numberBlinksMin: l.number_blinks_min,
      numberBlinksMax: l.number_blinks_max,
    },
  };
  return s;
}

/** Core field path → the Vault tenant field, for rendering the core's refusals. */
const CORE_TO_VAULT: Array<[RegExp, string]> = [
  [/^name$/, 'display_name'],
  [/^(slug|id)$/, 'tenant_id'],
  [/^userLockout\.maxAttempts$/, 'block_config.user_attempts_limit'],
  [/^userLockout\.windowSeconds$/, 'block_config.user_timeframe_seconds'],
  [/^(userLockout|ipBruteForce)\.initialBlockSeconds$/, 'block_config.initial_block_seconds'],
  [/^(userLockout|ipBruteForce)\.maxBlockSeconds$/, 'block_config.max_block_time_minutes'],
  [/^ipBruteForce\.maxAttempts$/, 'block_config.ip_attempts_limit'],
  [/^ipBruteForce\.windowSeconds$/, 'block_config.ip_attempts_reset_minutes'],
  [/^loginMethods\.liveness\.numberStepsMax$/, 'liveness_config.number_steps_max'],
];

export function vaultTenantFieldFor(corePath: string): string {
  for (const [pattern, replacement] of CORE_TO_VAULT) {
    if (pattern.test(corePath)) return corePath.replace(pattern, replacement);
  }
  return corePath;
}
