/**
 * The email-driven account flows: forgot password → change-password id (mailed, or returned
 * to a trusted caller) → new password; email verification on sign-up or address change →
 * verification id → verified. Ids come from the tenant's generators and time-to-live values
 * and work once. A password reset also lifts a lockout: the owner has proved who they are.
 */
import type { Storage } from '../../storage/contract.js';
import type { Notifier } from '../email/notifier.js';
import { NotFound, NotPermitted, ValidationFailed, problem } from '../errors.js';
import { verifyAgainstDummy, verifyPassword } from '../../crypto/passwords/index.js';
import { tooSoonToChange } from '../passwords/policy.js';
import type { OneTimeIds } from '../onetime/one-time-ids.js';
import type { Tenant } from '../tenants/settings.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { User } from '../users/user.js';
import type { UserService } from '../users/user-service.js';

export class AccountFlows {
  constructor(
    private readonly deps: {
      storage: Storage;
      tenants: TenantService;
      users: UserService;
      ids: OneTimeIds;
      notifier: Notifier;
      publicUrl: string;
      now: () => number;
    },
  ) {}

  private link(tenant: Tenant, path: string): string {
    return `${this.deps.publicUrl}/${tenant.slug}${path}`;
  }

  /**
   * Starts a password reset. With `sendEmail`, the id goes only to the user's mailbox; without,
   * it is returned to the (API-key holding) caller to deliver itself.
   */
  async forgotPassword(tenant: Tenant, loginId: string, sendEmail: boolean): Promise<{ changePasswordId?: string }> {
    if (!tenant.settings.registration.forgotPasswordEnabled) throw new NotPermitted();
    const user = await this.deps.users.findByLoginId(tenant, loginId);
    if (!user) throw new NotFound('user');
    if (sendEmail && !user.email) throw new ValidationFailed([problem('loginId', 'invalid', 'The user has no email address to send to.')]);
    const { id, expiresAt } = await this.deps.ids.issue(tenant, user.id, 'changePassword');
    if (!sendEmail) return { changePasswordId: id };
    await this.deps.notifier.send(tenant, user, user.password ? 'forgotPassword' : 'setPassword', { link: this.link(tenant, `/password/change/${encodeURIComponent(id)}`), code: id, expiresAt });
    return {};
  }

  /**
   * The hosted forgot-password page's request: the same answer, at once, whether or not the
   * account exists — the look-up and the mail run in the background (an unknown login, one
   * without an address, or a tenant that switched the flow off end there, silently).
   */
  requestPasswordReset(tenant: Tenant, loginId: string): void {
    const work = this.forgotPassword(tenant, loginId, true).catch((error: unknown) => {
      if (error instanceof NotFound || error instanceof ValidationFailed || error instanceof NotPermitted) return;
      throw error;
    });
    this.deps.notifier.track(work, { tenantId: tenant.id, kind: 'forgotPassword' });
  }

  /** A change-password id for a login that must change its password first (FusionAuth 203). */
  async changePasswordIdFor(tenant: Tenant, user: User): Promise<string> {
    return (await this.deps.ids.issue(tenant, user.id, 'changePassword')).id;
  }

  /** Read-only: whose live change-password id this is (the pages show an error page for a dead one). */
  async pendingChange(changePasswordId: string): Promise<{ tenantId: string; userId: string } | undefined> {
    const pending = await this.deps.ids.peek(changePasswordId, 'changePassword');
    return pending && { tenantId: pending.tenantId, userId: pending.userId };
  }

  /** Read-only: whose live verification id this is. */
  async pendingVerification(verificationId: string): Promise<{ tenantId: string; userId: string } | undefined> {
    const pending = await this.deps.ids.peek(verificationId, 'emailVerification');
    return pending && { tenantId: pending.tenantId, userId: pending.userId };
  }

  /** Completes a reset: the id must be live; the password is checked before the id is spent. */
  async changePassword(changePasswordId: string, password: string): Promise<User> {
    const pending = await this.deps.ids.peek(changePasswordId, 'changePassword');
    if (!pending) throw new NotFound('change password id');
    const tenant = await this.deps.tenants.get({}, pending.tenantId);
    const user = await this.deps.users.get(tenant, pending.userId);
    // Check first (a weak password must not burn the link), then spend the id, then write.
    await this.deps.users.checkNewPassword(tenant, user, password);
    if (!(await this.deps.ids.consume(changePasswordId, 'changePassword'))) throw new NotFound('change password id');
    await this.deps.users.setPassword(tenant, user.id, password, { checked: true });
    await this.deps.storage.forTenant(tenant.id).loginFailures.unblock('user', user.id, this.deps.now());
    return this.deps.users.get(tenant, user.id);
  }

  /**
   * A signed-in user changes their own password, proving the current one. The minimum password
   * age applies here (a reset link does not wait: its owner may have been locked out).
   */
  async changePasswordWithCurrent(tenant: Tenant, loginId: string, currentPassword: string, password: string): Promise<User> {
    const user = await this.deps.users.findByLoginId(tenant, loginId);
    const hashing = tenant.settings.passwordHashing;
    const proven = user?.password ? await verifyPassword(currentPassword, user.password) : await verifyAgainstDummy(currentPassword, hashing.scheme, hashing.factor);
    if (!user || !proven) throw new NotFound('user');
    const tooSoon = tooSoonToChange(tenant.settings.passwordPolicy, user.passwordChangedAt, this.deps.now());
    if (tooSoon) throw new ValidationFailed([{ ...problem('password', 'invalid', tooSoon.message), rule: tooSoon.rule }]);
    return this.deps.users.setPassword(tenant, user.id, password);
  }

  /** Sends a verification email (sign-up, address change, or on request). */
  async sendVerification(tenant: Tenant, user: User): Promise<string> {
    const { id, expiresAt } = await this.deps.ids.issue(tenant, user.id, 'emailVerification');
    await this.deps.notifier.send(tenant, user, 'verification', { link: this.link(tenant, `/email/verify/${encodeURIComponent(id)}`), code: id, expiresAt });
    return id;
  }

  /** Background variant for hooks: a mail failure must not fail the user's creation. */
  sendVerificationLater(tenant: Tenant, user: User): void {
    this.deps.notifier.track(this.sendVerification(tenant, user), { tenantId: tenant.id, kind: 'verification' });
  }

  async resendVerification(tenant: Tenant, email: string): Promise<string> {
    const user = await this.deps.users.findByLoginId(tenant, email);
    if (!user || !user.email) throw new NotFound('user');
    return this.sendVerification(tenant, user);
  }

  async verifyEmail(verificationId: string): Promise<User> {
    const pending = await this.deps.ids.peek(verificationId, 'emailVerification');
    if (!pending || !(await this.deps.ids.consume(verificationId, 'emailVerification'))) throw new NotFound('verification id');
    const tenant = await this.deps.tenants.get({}, pending.tenantId);
    return this.deps.users.markVerified(tenant, pending.userId);
  }

  /** Tells a user their account was locked (PlusAuth account_blocking.notification). */
  notifyLocked(tenant: Tenant, userId: string, until: number): void {
    const work = this.deps.storage.forTenant(tenant.id).users.find(userId).then((user) => user && this.deps.notifier.send(tenant, user, 'accountLocked', { unlocksAt: until }));
    this.deps.notifier.track(work, { tenantId: tenant.id, kind: 'accountLocked' });
  }
}
