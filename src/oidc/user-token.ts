/**
 * A user's access token as a credential for the Vault's `/sessions` (a user's own sessions): an
 * opaque access token a tenant's provider issued at sign-in. The token names no tenant, so it is
 * found by its value (a secret only its holder has) among the providers' stored tokens; then
 * that tenant's engine verifies it (`AccessToken.find`: intact, unexpired, its session alive)
 * and the grant and the user must still be there — the same checks as the userinfo endpoint.
 * JWT access tokens (for the tenant's API) and client-credentials tokens are not user tokens.
 */
import type { Tenant } from '../core/tenants/settings.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import type { UserService } from '../core/users/user-service.js';
import type { Storage } from '../storage/contract.js';
import { NotFound } from '../core/errors.js';
import { findActiveTenant } from './mount.js';
import type { ProviderPool } from './tenant-pool.js';

export interface UserTokenOwner {
  tenant: Tenant;
  userId: string;
}

export type UserTokenAuthenticator = (token: string) => Promise<UserTokenOwner | undefined>;

/** The engine's opaque tokens are base64url text (43 characters by default). */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{16,512}$/;

export function userTokenAuthenticator(deps: { storage: Storage; tenants: TenantService; users: UserService; oidc: ProviderPool }): UserTokenAuthenticator {
  return async (value) => {
    if (!OPAQUE_TOKEN.test(value)) return undefined;
    const holders = await deps.storage.tenantsHoldingOidc('AccessToken', value);
    if (holders.length !== 1) return undefined;
    const tenant = await findActiveTenant(() => deps.tenants.get({}, holders[0]!));
    if (!tenant) return undefined;
    const { provider } = await deps.oidc.get(tenant);
    const token = await provider.AccessToken.find(value);
    if (!token || !token.isValid || !token.accountId || token.aud !== undefined) return undefined;
    const grant = token.grantId ? await provider.Grant.find(token.grantId) : undefined;
    if (!grant || grant.accountId !== token.accountId || grant.clientId !== token.clientId) return undefined;
    const user = await deps.users.get(tenant, token.accountId).catch((error: unknown) => {
      if (error instanceof NotFound) return undefined;
      throw error;
    });
    if (!user || user.disabled) return undefined;
    return { tenant, userId: user.id };
  };
}
