/**
 * Which tenant settings each plan feature guards. A plan without the feature leaves those
 * settings as they are, or lets them return to their defaults; any other value is refused
 * (PlanLimitExceeded), whichever API tries — the check sits in the tenant service's create and
 * update paths. The rule in one sentence: no plan stops a tenant from being put back to the
 * defaults, and none takes away what a tenant already has (a downgrade keeps it), but a plan
 * without a feature does not let it be set.
 *
 * Members seed 002 lists that guard nothing yet (no feature of Tessera's behind them):
 * `hooks`, `administrators`, `active_user`, `max_resources`, `log_*`, `connections.*`,
 * `custom_domain`, `custom_algorithm`, `fapi`, `rbac_management`, `user_management`, and the
 * factors the tenant model has no switch for (`mfa.otp`, `mfa.email`, `mfa.sms`, `mfa.push`,
 * `mfa.e-sign`). They are carried and shown, and enforced when their feature exists.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PlanProblem } from '../errors.js';
import type { TenantSettings } from '../tenants/settings.js';
import { type PlanDetails, type PlanMember, includes } from './catalogue.js';

export interface FeatureGuard {
  member: PlanMember;
  /** Core paths of the guarded settings; a path may name an object (every value inside it). */
  paths: readonly string[];
  /** What the plan refuses, completing "The {plan} plan does not include {member}: …". */
  refusal: string;
}

const TOKEN_LIFETIMES = [
  'tokens.accessTokenTtlSeconds',
  'tokens.idTokenTtlSeconds',
  'tokens.refreshTokenTtlSeconds',
  'tokens.authorizationCodeTtlSeconds',
  'tokens.deviceCodeTtlSeconds',
  'tokens.cibaRequestTtlSeconds',
  'tokens.clientCredentialsTtlSeconds',
  'tokens.sessionTtlSeconds',
] as const;

export const FEATURE_GUARDS: readonly FeatureGuard[] = [
  {
    member: 'custom_password_policy',
    paths: [
      'passwordPolicy.minLength',
      'passwordPolicy.maxLength',
      'passwordPolicy.minUpperCase',
      'passwordPolicy.minLowerCase',
      'passwordPolicy.minDigits',
      'passwordPolicy.requireNonAlpha',
      'passwordPolicy.customChars',
      'passwordPolicy.validateOnLogin',
      'passwordPolicy.breachDetection',
      'passwordPolicy.maximumAge',
      'passwordPolicy.minimumAge',
    ],
    refusal: 'the password rules can only stay as they are or return to the defaults',
  },
  { member: 'password_history', paths: ['passwordPolicy.history'], refusal: 'the password history can only stay as it is or return to the default (off)' },
  { member: 'custom_token_ttl', paths: TOKEN_LIFETIMES, refusal: 'token and session lifetimes can only stay as they are or return to the defaults' },
  { member: 'ciba', paths: ['ciba', 'tokens.cibaRequestTtlSeconds'], refusal: 'the CIBA settings can only stay as they are or return to the defaults' },
  { member: 'mfa', paths: ['loginMethods.twoFactorRequired'], refusal: 'a second factor cannot be required' },
  { member: 'mfa.webauthn', paths: ['loginMethods.passkeyEnabled'], refusal: 'passkeys (WebAuthn) cannot be turned on' },
  { member: 'mfa.fv', paths: ['loginMethods.useFaceRecognition', 'loginMethods.useLiveness'], refusal: 'face recognition and liveness checks cannot be turned on' },
];

function at(settings: unknown, path: string): unknown {
  let value: unknown = settings;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first leaf path under `path` where `a` and `b` differ (`path` itself for plain values). */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (!isObject(a) || !isObject(b)) return path;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!isDeepStrictEqual(a[key], b[key])) return firstDifference(a[key], b[key], `${path}.${key}`);
  }
  return path;
}

/**
 * The guarded settings `after` sets that `plan` does not allow: a value that is neither
 * `before`'s (kept) nor `defaults`' (returned to). One problem per refused setting.
 */
export function featureProblems(plan: string, details: PlanDetails, before: TenantSettings, after: TenantSettings, defaults: TenantSettings): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const guard of FEATURE_GUARDS) {
    if (includes(details, guard.member)) continue;
    for (const path of guard.paths) {
      const next = at(after, path);
      if (isDeepStrictEqual(next, at(before, path)) || isDeepStrictEqual(next, at(defaults, path))) continue;
      problems.push({
        limit: guard.member,
        plan,
        field: firstDifference(next, at(before, path), path),
        message: `The ${plan} plan does not include ${guard.member}: ${guard.refusal}.`,
      });
    }
  }
  return problems;
}
