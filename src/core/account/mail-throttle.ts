/**
 * The hosted pages' actions that send mail to an address the visitor types — sign-up and
 * "forgot your password?" — counted per tenant and client IP in a fixed window, so one client
 * cannot mail-bomb an address or sweep a tenant's accounts through them. The count lives in the
 * login-failure counters (kind `mail`): atomic, and shared by every instance on the database.
 * Each action counts, whatever its outcome (an unknown account counts as a known one does).
 */
import type { AttemptWindow, Storage } from '../../storage/contract.js';
import type { Tenant } from '../tenants/settings.js';

/** At most this many mail-sending actions per client IP and tenant in the window. */
export const MAIL_ACTIONS_PER_IP: AttemptWindow = { maxAttempts: 10, windowSeconds: 3600 };

export class MailThrottle {
  constructor(private readonly deps: { storage: Storage; now: () => number; window?: AttemptWindow }) {}

  /** Counts one action of `ip`; false (nothing to do, answer 429) once the window's allowance is spent. */
  async allow(tenant: Tenant, ip: string): Promise<boolean> {
    const reservation = await this.deps.storage.forTenant(tenant.id).loginFailures.reserve('mail', ip, this.deps.window ?? MAIL_ACTIONS_PER_IP, this.deps.now());
    return reservation.allowed;
  }
}
