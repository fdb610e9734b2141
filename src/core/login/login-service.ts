/**
 * Password login with its defences, once for every dialect:
 * - per-IP brute-force blocking and per-user lockout, both through the atomic reservation in
 *   login-failure repository (an attempt is counted before its password is checked);
 * - no user enumeration: an unknown user costs one verification against a dummy hash of the
 *   tenant's scheme, like a wrong password, and answers the same;
 * - re-hashing to the tenant's current scheme on success (modifyEncryptionSchemeOnLogin);
 * - what a successful login still requires: a password change (administrative, expired,
 *   failing the current rules, breached) or a verified email.
 */
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../crypto/passwords/index.js';
import type { LoginFailureRepository, Reservation, Storage } from '../../storage/contract.js';
import type { Signals } from '../events/signals.js';
import { isCommonPassword } from '../passwords/breached.js';
import { checkPasswordRules, passwordExpired } from '../passwords/policy.js';
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';
import type { UserService } from '../users/user-service.js';
import { type LockoutLimits, blockSeconds, ipLimits, isWhitelisted, userLimits } from './lockout.js';

/** How long an attempt waits for in-flight attempts of the same user: 40 × 25 ms = 1 s at most. */
const RESERVATION_RETRIES = 40;
const RESERVATION_RETRY_MS = 25;

export type ChangePasswordReason = 'Administrative' | 'Expired' | 'Validation' | 'Breached';

export type LoginResult =
  | { outcome: 'ok'; user: User }
  | { outcome: 'changePasswordRequired'; user: User; reason: ChangePasswordReason }
  | { outcome: 'emailNotVerified'; user: User }
  | { outcome: 'invalidCredentials' }
  | { outcome: 'userLocked'; until: number | null }
  | { outcome: 'ipBlocked'; until: number | null }
  | { outcome: 'disabled' };

export interface LoginAttempt {
  loginId: string;
  password: string;
  /** The client's address as the HTTP layer determined it (TRUST_PROXY decides about X-Forwarded-For). */
  ip: string;
}

/** The block length policy, in the milliseconds storage counts in. */
const blockMs = (limits: LockoutLimits) => (blocksSoFar: number) => blockSeconds(limits, blocksSoFar) * 1000;

export class LoginService {
  /** `signals` hears when a user's lock begins (the account-locked email). */
  constructor(private readonly deps: { storage: Storage; users: UserService; signals: Signals; now: () => number }) {}

  async login(tenant: Tenant, attempt: LoginAttempt): Promise<LoginResult> {
    const { now } = this.deps;
    const settings = tenant.settings;
    const hashing = settings.passwordHashing;
    const failures = this.deps.storage.forTenant(tenant.id).loginFailures;

    const ip = attempt.ip.slice(0, 64);
    const ipRules = ipLimits(settings);
    const countIp = ipRules.enabled && !isWhitelisted(attempt.ip, settings.ipBruteForce.whiteList);
    let ipCount = 0;
    if (countIp) {
      const reserved = await failures.reserve('ip', ip, ipRules, now());
      if (!reserved.allowed) return { outcome: 'ipBlocked', until: reserved.blockedUntil };
      ipCount = reserved.count;
    }
    const ipFailed = async () => {
      if (countIp) await failures.failed('ip', ip, ipCount, ipRules, now(), blockMs(ipRules));
    };

    const user = await this.deps.users.findByLoginId(tenant, attempt.loginId);
    if (!user) {
      await verifyAgainstDummy(attempt.password, hashing.scheme, hashing.factor);
      await ipFailed();
      return { outcome: 'invalidCredentials' };
    }

    const userRules = userLimits(settings);
    let userCount = 0;
    if (userRules.enabled) {
      const reserved = await this.reserveWaiting(failures, user.id, userRules);
      if (!reserved.allowed) {
        await ipFailed();
        return { outcome: 'userLocked', until: reserved.blockedUntil };
      }
      userCount = reserved.count;
    }

    let matches: boolean;
    try {
      matches = user.password
        ? await verifyPassword(attempt.password, user.password)
        : await verifyAgainstDummy(attempt.password, hashing.scheme, hashing.factor);
    } catch (error) {
      // An attempt that could not be checked (e.g. a malformed imported hash) is given back.
      if (userRules.enabled) await failures.released('user', user.id);
      if (countIp) await failures.released('ip', ip);
      throw error;
    }
    if (!matches) {
      if (userRules.enabled) {
        const lockedUntil = await failures.failed('user', user.id, userCount, userRules, now(), blockMs(userRules));
        if (lockedUntil !== null) await this.deps.signals.emit('user.locked', { tenant, userId: user.id, until: lockedUntil });
      }
      await ipFailed();
      return { outcome: 'invalidCredentials' };
    }

    if (userRules.enabled) await failures.succeeded('user', user.id, settings.userLockout.resetAfterSuccess);
    if (countIp) await failures.succeeded('ip', ip, false);

    const current = await this.rehashIfNeeded(tenant, user, attempt.password);
    if (current.disabled) return { outcome: 'disabled' };
    const reason = this.changeRequired(tenant, current, attempt.password);
    if (reason) return { outcome: 'changePasswordRequired', user: current, reason };
    if (settings.email.verifyEmail && !current.verified) return { outcome: 'emailNotVerified', user: current };
    return { outcome: 'ok', user: current };
  }

  /**
   * Reserves an attempt. When the attempts are all taken by logins still in flight (not by a
   * block), waits briefly for them to finish: a correct password gives its attempt back, so
   * concurrent good logins get through, while a guess still waits for the block the guesses
   * before it earned. No more attempts are ever checked than the limit allows.
   */
  private async reserveWaiting(failures: LoginFailureRepository, userId: string, limits: LockoutLimits): Promise<Reservation> {
    const { now } = this.deps;
    let reserved = await failures.reserve('user', userId, limits, now());
    for (let wait = 0; !reserved.allowed && reserved.blockedUntil === null && wait < RESERVATION_RETRIES; wait++) {
      await new Promise((resolve) => setTimeout(resolve, RESERVATION_RETRY_MS));
      reserved = await failures.reserve('user', userId, limits, now());
    }
    return reserved;
  }

  private changeRequired(tenant: Tenant, user: User, password: string): ChangePasswordReason | undefined {
    const policy = tenant.settings.passwordPolicy;
    if (user.passwordChangeRequired) return 'Administrative';
    if (passwordExpired(policy, user.passwordChangedAt, this.deps.now())) return 'Expired';
    if (policy.breachDetection.enabled && policy.breachDetection.onLogin === 'RequireChange' && isCommonPassword(password)) return 'Breached';
    if (policy.validateOnLogin && checkPasswordRules(password, policy).length > 0) return 'Validation';
    return undefined;
  }

  /** modifyEncryptionSchemeOnLogin: bring the stored hash to the tenant's current scheme and factor. */
  private async rehashIfNeeded(tenant: Tenant, user: User, password: string): Promise<User> {
    const { scheme, factor, rehashOnLogin } = tenant.settings.passwordHashing;
    if (!rehashOnLogin || !user.password || (user.password.scheme === scheme && user.password.factor === factor)) return user;
    const rehashed = { ...user, password: await hashPassword(password, scheme, factor) };
    await this.deps.storage.forTenant(tenant.id).users.setPasswordHash(rehashed);
    return rehashed;
  }
}
