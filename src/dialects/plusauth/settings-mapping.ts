/**
 * The PlusAuth tenant settings object (seed 001, and `settings` in seeds 000 and 002) ⇄ the
 * core tenant model. `plusAuthSettings` shows every field, in PlusAuth's names (durations are
 * seconds in both); `applyPlusAuthSettings` writes a patch: what it leaves out stays as stored,
 * objects merge member by member (`environment_variables` as an RFC 7396 merge patch: a null
 * member removes that variable). docs/tenant-model.md lists which stored field each one is.
 *
 * Text fields the seeds mark required but that may have no value (`tenant_login_url`,
 * `default_strategy`, `ciba.notifier_endpoint`) show an empty string then; writing "" clears them.
 */
import type { TenantSettings } from '../../core/tenants/settings.js';
import { mergePatch } from '../../util/json-merge.js';
import { type PlusAuthHashFunction, applyPlusAuthHashFunction, plusAuthHashFunction } from './hash-function.js';
import { type PlusAuthPolicies, type PlusAuthPoliciesPatch, applyPlusAuthPolicies, plusAuthPolicies } from './policies.js';

/** The one API version seed 001 lists. */
export const PLUSAUTH_API_VERSION = '2021-07-04';

export interface PlusAuthTtl {
  access_token: number;
  authorization_code: number;
  backchannel_authentication_request: number;
  client_credentials: number;
  device_code: number;
  id_token: number;
  refresh_token: number;
  session: number;
}

export interface PlusAuthSettings {
  acr_values: string[];
  auto_sign_in: boolean;
  expose_unsafe_errors: boolean;
  extra_params: string[];
  extra_scopes: string[];
  force_email_verification: boolean;
  forgot_password_enabled: boolean;
  hash_function: PlusAuthHashFunction;
  register_enabled: boolean;
  tenant_login_url: string;
  welcome_emails_enabled: boolean;
  api_version: string;
  default_strategy: string;
  authenticator: { bind_sim: boolean };
  ciba: { delivery_mode: 'ping' | 'poll'; notifier_endpoint: string };
  environment_variables: Record<string, unknown>;
  policies: PlusAuthPolicies;
  ttl: PlusAuthTtl;
  user_self_deletion: { enabled: boolean };
}

/** What a PATCH may carry: any part of the object, objects in part. */
export interface PlusAuthSettingsPatch extends Partial<Omit<PlusAuthSettings, 'authenticator' | 'ciba' | 'environment_variables' | 'policies' | 'ttl' | 'user_self_deletion'>> {
  authenticator?: Partial<PlusAuthSettings['authenticator']>;
  ciba?: Partial<PlusAuthSettings['ciba']>;
  environment_variables?: Record<string, unknown>;
  policies?: PlusAuthPoliciesPatch;
  ttl?: Partial<PlusAuthTtl>;
  user_self_deletion?: Partial<PlusAuthSettings['user_self_deletion']>;
}

/** ttl member → stored lifetime (seconds). */
const TTL_FIELDS: Record<keyof PlusAuthTtl, keyof TenantSettings['tokens']> = {
  access_token: 'accessTokenTtlSeconds',
  authorization_code: 'authorizationCodeTtlSeconds',
  backchannel_authentication_request: 'cibaRequestTtlSeconds',
  client_credentials: 'clientCredentialsTtlSeconds',
  device_code: 'deviceCodeTtlSeconds',
  id_token: 'idTokenTtlSeconds',
  refresh_token: 'refreshTokenTtlSeconds',
  session: 'sessionTtlSeconds',
};

export function plusAuthSettings(s: TenantSettings): PlusAuthSettings {
  const login = s.loginExperience;
  const ttl = Object.fromEntries(Object.entries(TTL_FIELDS).map(([name, field]) => [name, s.tokens[field]])) as unknown as PlusAuthTtl;
  return {
    acr_values: [...login.acrValues],
    auto_sign_in: login.autoSignIn,
    expose_unsafe_errors: login.exposeUnsafeErrors,
    extra_params: [...login.extraParams],
    extra_scopes: [...login.extraScopes],
    force_email_verification: s.email.verifyEmail,
    forgot_password_enabled: s.registration.forgotPasswordEnabled,
    hash_function: plusAuthHashFunction(s),
    register_enabled: s.registration.selfServiceEnabled,
    tenant_login_url: login.tenantLoginUrl ?? '',
    welcome_emails_enabled: s.registration.welcomeEmailsEnabled,
    // The only version there is: a tenant that never chose one speaks it too.
    api_version: login.apiVersion ?? PLUSAUTH_API_VERSION,
    default_strategy: login.defaultStrategy ?? '',
    authenticator: { bind_sim: s.authenticator.bindSim },
    ciba: { delivery_mode: s.ciba.deliveryMode, notifier_endpoint: s.ciba.notifierEndpoint ?? '' },
    environment_variables: structuredClone(s.environmentVariables),
    policies: plusAuthPolicies(s),
    ttl,
    user_self_deletion: { enabled: s.registration.userSelfDeletionEnabled },
  };
}

const orNull = (text: string) => (text === '' ? null : text);

export function applyPlusAuthSettings(base: TenantSettings, patch: PlusAuthSettingsPatch): TenantSettings {
  let s = structuredClone(base);
  const login = s.loginExperience;
  if (patch.acr_values !== undefined) login.acrValues = [...patch.acr_values];
  if (patch.auto_sign_in !== undefined) login.autoSignIn = patch.auto_sign_in;
  if (patch.expose_unsafe_errors !== undefined) login.exposeUnsafeErrors = patch.expose_unsafe_errors;
  if (patch.extra_params !== undefined) login.extraParams = [...patch.extra_params];
  if (patch.extra_scopes !== undefined) login.extraScopes = [...patch.extra_scopes];
  if (patch.tenant_login_url !== undefined) login.tenantLoginUrl = orNull(patch.tenant_login_url);
  // Written only when it differs from what is shown (an unset version reads as the only one).
  if (patch.api_version !== undefined && patch.api_version !== (login.apiVersion ?? PLUSAUTH_API_VERSION)) login.apiVersion = patch.api_version;
  if (patch.default_strategy !== undefined) login.defaultStrategy = orNull(patch.default_strategy);
  if (patch.force_email_verification !== undefined) s.email.verifyEmail = patch.force_email_verification;
  if (patch.forgot_password_enabled !== undefined) s.registration.forgotPasswordEnabled = patch.forgot_password_enabled;
  if (patch.register_enabled !== undefined) s.registration.selfServiceEnabled = patch.register_enabled;
  if (patch.welcome_emails_enabled !== undefined) s.registration.welcomeEmailsEnabled = patch.welcome_emails_enabled;
  if (patch.user_self_deletion?.enabled !== undefined) s.registration.userSelfDeletionEnabled = patch.user_self_deletion.enabled;
  if (patch.authenticator?.bind_sim !== undefined) s.authenticator.bindSim = patch.authenticator.bind_sim;
  if (patch.ciba?.delivery_mode !== undefined) s.ciba.deliveryMode = patch.ciba.delivery_mode;
  if (patch.ciba?.notifier_endpoint !== undefined) s.ciba.notifierEndpoint = orNull(patch.ciba.notifier_endpoint);
  if (patch.environment_variables !== undefined) {
    s.environmentVariables = mergePatch(s.environmentVariables, patch.environment_variables) as Record<string, unknown>;
  }
  for (const [name, field] of Object.entries(TTL_FIELDS) as Array<[keyof PlusAuthTtl, keyof TenantSettings['tokens']]>) {
    const value = patch.ttl?.[name];
    if (value !== undefined) (s.tokens as unknown as Record<string, number>)[field] = value;
  }
  if (patch.policies) s = applyPlusAuthPolicies(s, patch.policies);
  if (patch.hash_function !== undefined) s = applyPlusAuthHashFunction(s, patch.hash_function);
  return s;
}

/** Core field path → the PlusAuth settings field, for rendering the core's refusals. */
const CORE_TO_PLUSAUTH: Array<[RegExp, string]> = [
  [/^userLockout\.maxAttempts$/, 'policies.account_blocking.allowed_attempts'],
  [/^userLockout\.windowSeconds$/, 'policies.account_blocking.duration'],
  [/^userLockout\.(initialBlockSeconds|maxBlockSeconds)$/, 'policies.account_blocking.block_duration'],
  [/^ipBruteForce\.maxAttempts$/, 'policies.brute_force.allowed_attempts'],
  [/^ipBruteForce\.windowSeconds$/, 'policies.brute_force.duration'],
  [/^ipBruteForce\.(initialBlockSeconds|maxBlockSeconds)$/, 'policies.brute_force.block_duration'],
  [/^ipBruteForce\.whiteList(.*)$/, 'policies.brute_force.white_list$1'],
  [/^passwordPolicy\.minLength$/, 'policies.password.min'],
  [/^passwordPolicy\.maxLength$/, 'policies.password.max'],
  [/^passwordPolicy\.history\.count$/, 'policies.password.history'],
  [/^passwordPolicy\.minUpperCase$/, 'policies.password.upper_case'],
  [/^passwordPolicy\.minLowerCase$/, 'policies.password.lower_case'],
  [/^passwordPolicy\.minDigits$/, 'policies.password.number'],
  [/^passwordPolicy\.customChars$/, 'policies.password.custom_chars'],
  [/^loginExperience\.tenantLoginUrl$/, 'tenant_login_url'],
  [/^loginExperience\.defaultStrategy$/, 'default_strategy'],
  [/^ciba\.notifierEndpoint$/, 'ciba.notifier_endpoint'],
  [/^email\.verifyEmail$/, 'force_email_verification'],
  [/^passwordHashing\.(scheme|factor)$/, 'hash_function'],
  ...Object.entries(TTL_FIELDS).map(([name, field]) => [new RegExp(`^tokens\\.${field}$`), `ttl.${name}`] as [RegExp, string]),
];

export function plusAuthFieldFor(corePath: string): string {
  for (const [pattern, replacement] of CORE_TO_PLUSAUTH) {
    if (pattern.test(corePath)) return corePath.replace(pattern, replacement);
  }
  return corePath;
}
