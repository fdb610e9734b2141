/**
 * The Vault tenant's documented defaults (seed 004, Create Tenant), and what a tenant created
 * through the Vault API starts with: the core's defaults (FusionAuth's) with these written over
 * them — so Read Tenant of a new tenant shows exactly the seed's defaults, `block_config`
 * included (per-user lockout 15 attempts in 300 s, per-IP 5 attempts in 10080 minutes, blocks
 * from 60 s doubling up to 2880 minutes).
 *
 * `liveness_config` has no default of its own (null: none); a liveness_config that is given
 * takes the seed's values for the members it leaves out. Those put `number_blinks_min`
 * (10000) above `number_blinks_max` (0): a documented default that contradicts min ≤ max,
 * kept as documented (blinks are stored, not enforced; docs/tenant-model.md).
 */
import { type TenantSettings, defaultTenantSettings } from '../../core/tenants/settings.js';
import { type VaultBlockConfig, type VaultLivenessConfig, type VaultTenantFields, applyVaultTenant } from './tenant-mapping.js';

export const VAULT_BLOCK_CONFIG_DEFAULTS: Readonly<VaultBlockConfig> = {
  ip_attempts_limit: 5,
  ip_attempts_reset_minutes: 10080,
  user_attempts_limit: 15,
  user_timeframe_seconds: 300,
  initial_block_seconds: 60,
  max_block_time_minutes: 2880,
};

export const VAULT_LIVENESS_DEFAULTS: Readonly<VaultLivenessConfig> = {
  number_steps_min: 4,
  number_steps_max: 6,
  duration_in_seconds: 10,
  number_of_allowed_failures: 1,
  gesture_set: [],
  number_blinks_max: 0,
  number_blinks_min: 10000,
};

export const VAULT_TENANT_DEFAULTS: Readonly<VaultTenantFields> = {
  register_enable: false,
  is_2fa: false,
  use_pin: true,
  pin_size: 6,
  use_pattern: true,
  patter_size: 3,
  use_face_recognition: false,
  use_liveness: false,
  show_pin_when_typing: true,
  block_config: VAULT_BLOCK_CONFIG_DEFAULTS,
  login_order: ['PIN'],
  passkey_enabled: false,
  has_username_and_email: true,
  liveness_config: null,
};

/** A create or replace body as sent (members may be left out; the nullable ones may be null). */
export type VaultTenantBody = {
  [K in keyof VaultTenantFields]?: K extends 'block_config' ? Partial<VaultBlockConfig> | null : K extends 'liveness_config' ? Partial<VaultLivenessConfig> | null : K extends 'login_order' ? VaultTenantFields[K] | null : VaultTenantFields[K];
};

/**
 * Every member the body leaves out (or sends as null) takes its documented default; so do the
 * members of a block_config or liveness_config it sends in part. `is_2fa`, which Update Tenant
 * does not list, is kept from `keep` when a replace leaves it out.
 */
export function completeVaultTenant(body: VaultTenantBody, keep?: { is_2fa: boolean }): VaultTenantFields {
  const d = VAULT_TENANT_DEFAULTS;
  return {
    register_enable: body.register_enable ?? d.register_enable,
    is_2fa: body.is_2fa ?? keep?.is_2fa ?? d.is_2fa,
    use_pin: body.use_pin ?? d.use_pin,
    pin_size: body.pin_size ?? d.pin_size,
    use_pattern: body.use_pattern ?? d.use_pattern,
    patter_size: body.patter_size ?? d.patter_size,
    use_face_recognition: body.use_face_recognition ?? d.use_face_recognition,
    use_liveness: body.use_liveness ?? d.use_liveness,
    show_pin_when_typing: body.show_pin_when_typing ?? d.show_pin_when_typing,
    block_config: { ...VAULT_BLOCK_CONFIG_DEFAULTS, ...withoutUndefined(body.block_config ?? {}) },
    login_order: [...(body.login_order ?? d.login_order)],
    passkey_enabled: body.passkey_enabled ?? d.passkey_enabled,
    has_username_and_email: body.has_username_and_email ?? d.has_username_and_email,
    liveness_config: body.liveness_config ? { ...VAULT_LIVENESS_DEFAULTS, gesture_set: [], ...withoutUndefined(body.liveness_config) } : null,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What a tenant created through the Vault API starts with. */
export function vaultTenantDefaults(): TenantSettings {
  return applyVaultTenant(defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' }), completeVaultTenant({}));
}
