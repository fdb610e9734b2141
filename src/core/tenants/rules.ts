/**
 * Invariants every tenant's settings must satisfy, whichever API wrote them. Field paths are
 * core paths; dialects translate them to their own names. Bounds that only one specification
 * states (FusionAuth's 600 s authorization-code limit, PlusAuth's ranges) live in that dialect.
 */
import { type FieldProblem, problem } from '../errors.js';
import type { SecureGenerator, TenantSettings } from './settings.js';

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

export function checkTenantSettings(s: TenantSettings): FieldProblem[] {
  const out: FieldProblem[] = [];
  const ids = s.oneTimeIds;
  for (const name of ['changePassword', 'emailVerification', 'passwordlessLogin', 'registrationVerification', 'setupPassword'] as const) {
    checkGenerator(`oneTimeIds.${name}.generator`, ids[name].generator, out);
    positive(`oneTimeIds.${name}.ttlSeconds`, ids[name].ttlSeconds, out);
  }
  checkGenerator('oneTimeIds.deviceUserCodeGenerator', ids.deviceUserCodeGenerator, out);
  for (const name of ['externalAuthenticationTtlSeconds', 'oneTimePasswordTtlSeconds', 'twoFactorTtlSeconds', 'twoFactorTrustTtlSeconds', 'samlv2AuthNRequestTtlSeconds'] as const) {
    positive(`oneTimeIds.${name}`, ids[name], out);
  }
  const t = s.tokens;
  for (const name of ['accessTokenTtlSeconds', 'idTokenTtlSeconds', 'refreshTokenTtlSeconds', 'authorizationCodeTtlSeconds', 'deviceCodeTtlSeconds', 'sessionTtlSeconds'] as const) {
    positive(`tokens.${name}`, t[name], out);
  }

  const lock = s.userLockout;
  positive('userLockout.maxAttempts', lock.maxAttempts, out);
  positive('userLockout.windowSeconds', lock.windowSeconds, out);
  positive('userLockout.initialBlockSeconds', lock.initialBlockSeconds, out);
  if (lock.maxBlockSeconds < lock.initialBlockSeconds) {
    out.push(problem('userLockout.maxBlockSeconds', 'invalid', 'The longest block cannot be shorter than the first block.'));
  }

  const pw = s.passwordPolicy;
  if (pw.minLength < 1) out.push(problem('passwordPolicy.minLength', 'invalid', 'The minimum length must be at least 1.'));
  if (pw.maxLength < pw.minLength) {
    out.push(problem('passwordPolicy.maxLength', 'invalid', 'The maximum length must be greater than or equal to the minimum length.'));
  }
  if (pw.minUpperCase + pw.minLowerCase + pw.minDigits > pw.maxLength) {
    out.push(problem('passwordPolicy.maxLength', 'invalid', 'The required character counts do not fit in the maximum length.'));
  }
  if (pw.history.enabled) positive('passwordPolicy.history.count', pw.history.count, out);
  if (pw.maximumAge.enabled) positive('passwordPolicy.maximumAge.days', pw.maximumAge.days, out);
  if (pw.minimumAge.enabled) positive('passwordPolicy.minimumAge.seconds', pw.minimumAge.seconds, out);
  if (pw.breachDetection.onLogin === 'NotifyUser' && !pw.breachDetection.notifyUserEmailTemplateId) {
    out.push(problem('passwordPolicy.breachDetection.notifyUserEmailTemplateId', 'blank', 'An email template is required to notify users of a breached password.'));
  }
  positive('passwordHashing.factor', s.passwordHashing.factor, out);

  const email = s.email;
  if (!email.host.trim()) out.push(problem('email.host', 'blank', 'The SMTP host is required.'));
  if (!(email.port >= 1 && email.port <= 65535)) out.push(problem('email.port', 'invalid', 'The SMTP port must be between 1 and 65535.'));
  if ((email.verifyEmail || email.verifyEmailWhenChanged) && !email.templates.verification) {
    out.push(problem('email.templates.verification', 'blank', 'A verification email template is required when email verification is enabled.'));
  }

  const family = s.family;
  positive('family.maximumChildAge', family.maximumChildAge, out);
  positive('family.minimumOwnerAge', family.minimumOwnerAge, out);
  if (family.deleteOrphanedAccounts) positive('family.deleteOrphanedAccountsDays', family.deleteOrphanedAccountsDays, out);

  const unverified = s.userDeletion.unverified;
  if (unverified.enabled) {
    if (unverified.numberOfDaysToRetain === null) {
      out.push(problem('userDeletion.unverified.numberOfDaysToRetain', 'blank', 'The number of days to retain unverified users is required when their deletion is enabled.'));
    } else {
      positive('userDeletion.unverified.numberOfDaysToRetain', unverified.numberOfDaysToRetain, out);
    }
  }

  const seen = new Set<string>();
  s.connectorPolicies.forEach((policy, i) => {
    if (seen.has(policy.connectorId)) {
      out.push(problem(`connectorPolicies[${i}].connectorId`, 'duplicate', 'Each connector may appear in the policies only once.'));
    }
    seen.add(policy.connectorId);
  });

  if (!s.issuer.trim()) out.push(problem('issuer', 'blank', 'The issuer is required.'));
  return out;
}
