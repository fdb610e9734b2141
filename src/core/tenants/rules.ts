/**
 * Invariants every tenant's settings must satisfy, whichever API wrote them. Field paths are
 * core paths; dialects translate them to their own names. Bounds that only one specification
 * states (FusionAuth's 600 s authorization-code limit, PlusAuth's ranges) live in that dialect.
 */
import { PASSWORD_SCHEMES } from '../../crypto/passwords/index.js';
import { webUrlProblem } from '../clients/uris.js';
import { isIpOrRange } from '../login/lockout.js';
import { type FieldProblem, problem } from '../errors.js';
import { brandingProblems } from './branding.js';
import type { SecureGenerator, TenantSettings } from './settings.js';

/**
 * The longest duration any setting may have: 100,000 years. Durations become instants
 * (`now + seconds × 1000`, stored as 64-bit epoch milliseconds and shown as dates), and an
 * instant must stay within what a JavaScript Date holds (8.64e15 ms, about 273,790 years after
 * 1970). FusionAuth's own integer limits (2³¹ − 1 seconds or minutes) stay well inside.
 */
export const MAX_DURATION_SECONDS = 100_000 * 366 * 86400;

/** Seed 003: randomBytes 16–128; the alphabetic and digit generators 4–12. */
export function generatorLengthBounds(type: SecureGenerator['type']): [number, number] {
  return type === 'randomBytes' ? [16, 128] : [4, 12];
}

function checkGenerator(path: string, generator: SecureGenerator, out: FieldProblem[]): void {
  const [min, max] = generatorLengthBounds(generator.type);
  if (generator.length < min || generator.length > max) {
    out.push(problem(`${path}.length`, 'invalid', `The length for a ${generator.type} generator must be between ${min} and ${max}.`));
  }
}

function positive(path: string, value: number, out: FieldProblem[]): void {
  if (!(value > 0)) out.push(problem(path, 'invalid', 'The value must be greater than 0.'));
}

/** A positive duration in seconds (or `unit` seconds each) no longer than MAX_DURATION_SECONDS. */
function duration(path: string, value: number, out: FieldProblem[], unit = 1): void {
  if (!(value > 0)) out.push(problem(path, 'invalid', 'The value must be greater than 0.'));
  else if (!(value * unit <= MAX_DURATION_SECONDS)) out.push(problem(path, 'invalid', 'The duration may be at most 100,000 years.'));
}

export function checkTenantSettings(s: TenantSettings): FieldProblem[] {
  const out: FieldProblem[] = [];
  const ids = s.oneTimeIds;
  for (const name of ['changePassword', 'emailVerification', 'passwordlessLogin', 'registrationVerification', 'setupPassword'] as const) {
    checkGenerator(`oneTimeIds.${name}.generator`, ids[name].generator, out);
    duration(`oneTimeIds.${name}.ttlSeconds`, ids[name].ttlSeconds, out);
  }
  checkGenerator('oneTimeIds.deviceUserCodeGenerator', ids.deviceUserCodeGenerator, out);
  for (const name of ['externalAuthenticationTtlSeconds', 'oneTimePasswordTtlSeconds', 'twoFactorTtlSeconds', 'twoFactorTrustTtlSeconds', 'samlv2AuthNRequestTtlSeconds'] as const) {
    duration(`oneTimeIds.${name}`, ids[name], out);
  }
  const t = s.tokens;
  for (const name of ['accessTokenTtlSeconds', 'idTokenTtlSeconds', 'refreshTokenTtlSeconds', 'authorizationCodeTtlSeconds', 'deviceCodeTtlSeconds', 'sessionTtlSeconds'] as const) {
    duration(`tokens.${name}`, t[name], out);
  }

  const lock = s.userLockout;
  positive('userLockout.maxAttempts', lock.maxAttempts, out);
  duration('userLockout.windowSeconds', lock.windowSeconds, out);
  duration('userLockout.initialBlockSeconds', lock.initialBlockSeconds, out);
  if (lock.maxBlockSeconds < lock.initialBlockSeconds) {
    out.push(problem('userLockout.maxBlockSeconds', 'invalid', 'The longest block cannot be shorter than the first block.'));
  } else duration('userLockout.maxBlockSeconds', lock.maxBlockSeconds, out);
  const ip = s.ipBruteForce;
  duration('ipBruteForce.windowSeconds', ip.windowSeconds, out);
  duration('ipBruteForce.initialBlockSeconds', ip.initialBlockSeconds, out);
  duration('ipBruteForce.maxBlockSeconds', ip.maxBlockSeconds, out);
  positive('ipBruteForce.maxAttempts', ip.maxAttempts, out);
  ip.whiteList.forEach((entry, i) => {
    // The login compares addresses against these: an entry that is not one would never match.
    if (!isIpOrRange(entry)) out.push(problem(`ipBruteForce.whiteList[${i}]`, 'invalid', 'Each entry is an IPv4 or IPv6 address or a CIDR range (10.0.0.0/8).'));
  });

  const pw = s.passwordPolicy;
  // PlusAuth allows a minimum of 0; an empty password is refused whatever the minimum (policy.ts).
  if (!(pw.minLength >= 0)) out.push(problem('passwordPolicy.minLength', 'invalid', 'The minimum length cannot be negative.'));
  if (pw.maxLength < pw.minLength) {
    out.push(problem('passwordPolicy.maxLength', 'invalid', 'The maximum length must be greater than or equal to the minimum length.'));
  }
  if (pw.minUpperCase + pw.minLowerCase + pw.minDigits > pw.maxLength) {
    out.push(problem('passwordPolicy.maxLength', 'invalid', 'The required character counts do not fit in the maximum length.'));
  }
  if (pw.history.enabled) positive('passwordPolicy.history.count', pw.history.count, out);
  if (pw.maximumAge.enabled) duration('passwordPolicy.maximumAge.days', pw.maximumAge.days, out, 86400);
  if (pw.minimumAge.enabled) duration('passwordPolicy.minimumAge.seconds', pw.minimumAge.seconds, out);
  if (pw.breachDetection.onLogin === 'NotifyUser' && !pw.breachDetection.notifyUserEmailTemplateId) {
    out.push(problem('passwordPolicy.breachDetection.notifyUserEmailTemplateId', 'blank', 'An email template is required to notify users of a breached password.'));
  }
  // The factor must suit the scheme: a bcrypt cost outside 4–31 fails every hash and every
  // unknown-user login (its dummy hash) on the tenant.
  const hashing = s.passwordHashing;
  const hasher = PASSWORD_SCHEMES[hashing.scheme];
  if (!hasher?.hash) {
    out.push(problem('passwordHashing.scheme', 'invalid', 'This scheme is accepted for imported hashes only.'));
  } else {
    const [min, max] = hasher.factorRange;
    if (!(Number.isInteger(hashing.factor) && hashing.factor >= min && hashing.factor <= max)) {
      out.push(problem('passwordHashing.factor', 'invalid', `The factor for ${hashing.scheme} must be between ${min} and ${max}.`));
    }
  }

  const email = s.email;
  if (!email.host.trim()) out.push(problem('email.host', 'blank', 'The SMTP host is required.'));
  if (!(email.port >= 1 && email.port <= 65535)) out.push(problem('email.port', 'invalid', 'The SMTP port must be between 1 and 65535.'));
  // FusionAuth's "a verification template is required with verifyEmail" is FusionAuth's own rule
  // (its dialect applies it): without a template the built-in message is sent.

  const family = s.family;
  positive('family.maximumChildAge', family.maximumChildAge, out);
  positive('family.minimumOwnerAge', family.minimumOwnerAge, out);
  if (family.deleteOrphanedAccounts) duration('family.deleteOrphanedAccountsDays', family.deleteOrphanedAccountsDays, out, 86400);

  const unverified = s.userDeletion.unverified;
  if (unverified.enabled) {
    if (unverified.numberOfDaysToRetain === null) {
      out.push(problem('userDeletion.unverified.numberOfDaysToRetain', 'blank', 'The number of days to retain unverified users is required when their deletion is enabled.'));
    } else {
      duration('userDeletion.unverified.numberOfDaysToRetain', unverified.numberOfDaysToRetain, out, 86400);
    }
  }

  const seen = new Set<string>();
  s.connectorPolicies.forEach((policy, i) => {
    if (seen.has(policy.connectorId)) {
      out.push(problem(`connectorPolicies[${i}].connectorId`, 'duplicate', 'Each connector may appear in the policies only once.'));
    }
    seen.add(policy.connectorId);
  });

  // Links users are sent to: web URLs only (no javascript:, no data:).
  for (const [path, url] of [['loginExperience.tenantLoginUrl', s.loginExperience.tenantLoginUrl], ['ciba.notifierEndpoint', s.ciba.notifierEndpoint]] as const) {
    const why = url === null ? undefined : webUrlProblem(url);
    if (why) out.push(problem(path, 'invalid', `The URL ${why}.`));
  }
  const liveness = s.loginMethods.liveness;
  if (liveness && liveness.numberStepsMax < liveness.numberStepsMin) {
    out.push(problem('loginMethods.liveness.numberStepsMax', 'invalid', 'The most steps cannot be fewer than the fewest.'));
  }

  if (!s.issuer.trim()) out.push(problem('issuer', 'blank', 'The issuer is required.'));
  out.push(...brandingProblems(s.branding));
  return out;
}
