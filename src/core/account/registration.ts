/**
 * Self-service sign-up on a tenant's hosted pages. Open when the tenant allows it
 * (`registration.selfServiceEnabled`) and the client the user came from offers it (Vault
 * `register_enable`): the tenant sets the policy, each application opts in.
 *
 * What the answer may tell about an address that is already registered depends on the tenant:
 * - With email verification (`email.verifyEmail`), a new account can sign in only after its
 *   owner followed the mailed link, so the answer is the same whether or not the address was
 *   free: "we sent you a link". Nothing is created for a taken address; an owner whose address
 *   is still unverified gets the verification mail again (so a forgotten sign-up can finish).
 *   Both paths hash the password, so they take as long.
 * - Without it, a new account is signed in at once, so a taken address cannot be hidden: the
 *   answer says the address has an account (sign in or reset the password instead).
 */
import { NotPermitted, ValidationFailed } from '../errors.js';
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';
import type { UserService } from '../users/user-service.js';
import type { AccountFlows } from './account-flows.js';

export type RegistrationResult =
  /** Created, and may sign in now. */
  | { outcome: 'registered'; user: User }
  /** Created or not (the address was taken): either way, the owner must follow the mailed link first. */
  | { outcome: 'verifyEmailFirst' }
  /** The address has an account already (told only when the tenant does not verify addresses). */
  | { outcome: 'emailTaken' };

export interface RegistrationInput {
  email: string;
  password: string;
  locale?: string | null;
}

/** Whether the hosted pages offer sign-up to a user coming from this client. */
export function registrationOpen(tenant: Tenant, client: { registerEnabled: boolean }): boolean {
  return tenant.settings.registration.selfServiceEnabled && client.registerEnabled;
}

export class Registration {
  constructor(private readonly deps: { users: UserService; account: AccountFlows }) {}

  /**
   * Creates the account (the tenant's password rules apply; ValidationFailed names the field),
   * through the users core, so the sign-up mail follows the tenant's settings.
   */
  async register(tenant: Tenant, client: { registerEnabled: boolean }, input: RegistrationInput): Promise<RegistrationResult> {
    if (!registrationOpen(tenant, client)) throw new NotPermitted();
    const verifyFirst = tenant.settings.email.verifyEmail;
    try {
      const user = await this.deps.users.create(tenant, { email: input.email, password: input.password, locale: input.locale ?? null });
      return verifyFirst ? { outcome: 'verifyEmailFirst' } : { outcome: 'registered', user };
    } catch (error) {
      if (!(error instanceof ValidationFailed) || !error.problems.every((p) => p.field === 'email' && p.kind === 'duplicate')) throw error;
    }
    if (!verifyFirst) return { outcome: 'emailTaken' };
    const owner = await this.deps.users.findByLoginId(tenant, input.email);
    if (owner?.email && !owner.verified) this.deps.account.sendVerificationLater(tenant, owner);
    return { outcome: 'verifyEmailFirst' };
  }
}
