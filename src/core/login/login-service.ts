/**
 * Password login with its defences, once for every dialect:
 * - per-IP brute-force blocking and per-user lockout, both through the atomic reservation in
 *   loginFailureStore (an attempt is counted before its password is checked);
 * - no user enumeration: an unknown user costs one verification against a dummy hash of the
 *   tenant's scheme, like a wrong password, and answers the same;
 * - re-hashing to the tenant's current scheme on success (modifyEncryptionSchemeOnLogin);
 * - what a successful login still requires: a password change (administrative, expired,
 *   failing the current rules, breached) or a verified email.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../crypto/passwords/index.js';
import { type FailureKey, type Reservation, loginFailureStore } from '../../storage/login-failures.js';
import { userStore } from '../../storage/users.js';
import { isCommonPassword } from '../passwords/breached.js';
import { checkPasswordRules, passwordExpired } from '../passwords/policy.js';
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';
import type { UserService } from '../users/user-service.js';
import { ipLimits, isWhitelisted, userLimits } from './lockout.js';

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

export class LoginService {
  /** Told when a user's lock begins (the account-locked email). */
  onUserLocked?: (tenant: Tenant, userId: string, until: number) => void;

  constructor(private readonly deps: { db: Kysely<Database>; users: UserService; now: () => number }) {}

  async login(tenant: Tenant, attempt: LoginAttempt): Promise<LoginResult> {
    const { db, now } = this.deps;
    const settings = tenant.settings;
    const hashing = settings.passwordHashing;

    const ipKey: FailureKey = { tenantId: tenant.id, kind: 'ip', subject: attempt.ip.slice(0, 64) };
    const ipRules = ipLimits(settings);
    const countIp = ipRules.enabled && !isWhitelisted(attempt.ip, settings.ipBruteForce.whiteList);
    let ipCount = 0;
    if (countIp) {
      const reserved = await loginFailureStore.reserve(db, ipKey, ipRules, now());
      if (!reserved.allowed) return { outcome: 'ipBlocked', until: reserved.blockedUntil };
      ipCount = reserved.count;
    }
    const ipFailed = async () => {
      if (countIp) await loginFailureStore.failed(db, ipKey, ipCount, ipRules, now());
    };

    const user = await this.deps.users.findByLoginId(tenant, attempt.loginId);
    if (!user) {
      await verifyAgainstDummy(attempt.password, hashing.scheme, hashing.factor);
      await ipFailed();
      return { outcome: 'invalidCredentials' };
    }

    const userKey: FailureKey = { tenantId: tenant.id, kind: 'user', subject: user.id };
    const userRules = userLimits(settings);
    let userCount = 0;
    if (userRules.enabled) {
      const reserved = await this.reserveWaiting(userKey, userRules);
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
      if (userRules.enabled) await loginFailureStore.released(db, userKey);
      if (countIp) await loginFailureStore.released(db, ipKey);
      throw error;
    }
    if (!matches) {
      if (userRules.enabled) {
        const lockedUntil = await loginFailureStore.failed(db, userKey, userCount, userRules, now());
        if (lockedUntil !== null && settings.userLockout.notifyUser) this.onUserLocked?.(tenant, user.id, lockedUntil);
      }
      await ipFailed();
      return { outcome: 'invalidCredentials' };
    }

    if (userRules.enabled) await loginFailureStore.succeeded(db, userKey, settings.userLockout.resetAfterSuccess);
    if (countIp) await loginFailureStore.succeeded(db, ipKey, false);

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
  private async reserveWaiting(key: FailureKey, limits: ReturnType<typeof userLimits>): Promise<Reservation> {
    const { db, now } = this.deps;
    let reserved = await loginFailureStore.reserve(db, key, limits, now());
    for (let wait = 0; !reserved.allowed && reserved.blockedUntil === null && wait < RESERVATION_RETRIES; wait++) {
      await new Promise((resolve) => setTimeout(resolve, RESERVATION_RETRY_MS));
      reserved = await loginFailureStore.reserve(db, key, limits, now());
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
    await userStore.setPasswordHash(this.deps.db, rehashed);
    return rehashed;
  }
}
