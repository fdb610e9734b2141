/**
 * What a tenant created through the PlusAuth API (POST /users/{user_id}/tenants) starts with:
 * the core's defaults (FusionAuth's, docs/tenant-model.md) with every default seeds 000–002
 * document written over them, in PlusAuth's own words — so GET …/settings of a new tenant
 * shows exactly the seeds' defaults. Where the seeds document none, the core's stays.
 */
import { type TenantSettings, defaultTenantSettings } from '../../core/tenants/settings.js';
import { PLUSAUTH_API_VERSION, type PlusAuthSettingsPatch, applyPlusAuthSettings } from './settings-mapping.js';

export const PLUSAUTH_DEFAULTS = {
  hash_function: 'bcrypt',
  api_version: PLUSAUTH_API_VERSION,
  policies: {
    // Seed 001's numbers. A block of 630,720,000 s is twenty years, and brute_force applies it to
    // an address (a whole office behind one NAT address): documented defaults, kept as documented.
    account_blocking: { enabled: true, allowed_attempts: 10, duration: 7776000, block_duration: 630720000, allow_user_unblock: true, notification: true, reset_after_success: true },
    brute_force: { enabled: true, allowed_attempts: 10, duration: 7776000, block_duration: 630720000, notification: true, white_list: [] },
    // PlusAuth allows at most 128 characters (FusionAuth's default maximum is 256).
    password: { max: 128 },
  },
} as const satisfies PlusAuthSettingsPatch;

export function plusAuthTenantDefaults(): TenantSettings {
  const core = defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' });
  return applyPlusAuthSettings(core, structuredClone(PLUSAUTH_DEFAULTS) as PlusAuthSettingsPatch);
}
