/** The engine's account look-up: a tenant's user by id, with the claims its scopes release. */
import type { Account, FindAccount } from 'oidc-provider';
import type { Tenant } from '../core/tenants/settings.js';
import type { UserService } from '../core/users/user-service.js';
import { NotFound } from '../core/errors.js';

export function findAccountIn(tenant: () => Tenant, users: UserService): FindAccount {
  return async (_ctx, sub): Promise<Account | undefined> => {
    let user;
    try {
      user = await users.get(tenant(), sub);
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
    // A disabled user has no account to speak of: its tokens stop working.
    if (user.disabled) return undefined;
    return {
      accountId: user.id,
      async claims() {
        return {
          sub: user.id,
          ...(user.email ? { email: user.email, email_verified: user.verified } : {}),
          ...(user.username ? { preferred_username: user.username } : {}),
          ...(user.locale ? { locale: user.locale } : {}),
          roles: user.roles,
        };
      },
    };
  };
}
