/**
 * Who may do what with a tenant object (its settings, as the PlusAuth and Vault views show
 * them) and with an account's tenants: decided here, once, for every dialect. Today a caller
 * is an API key; PlusAuth's bearer management tokens (scopes `read:tenant` / `update:tenant`)
 * become another `Principal` kind and are decided in the same functions.
 *
 * An API key may
 * - read and update a tenant when it is a superuser key (not tenant-locked, no endpoint
 *   restrictions), when it is locked to that tenant, or when it is a global key of the account
 *   that created the tenant;
 * - list an account's tenants when it is a superuser key or one of that account's keys (a
 *   tenant-locked key then sees its own tenant only, see `tenantLimit`);
 * - create a tenant for an account when it is a superuser key, or a global key of that account.
 * Endpoint permissions (which methods and paths a key may call at all) are checked before, by
 * each dialect's authentication hook.
 */
import type { ApiKey } from '../apikeys/api-key-service.js';
import { NotPermitted } from '../errors.js';
import type { Tenant } from '../tenants/settings.js';

export type Principal = { kind: 'apiKey'; apiKey: ApiKey };

export type TenantAction = 'read' | 'update';
export type AccountAction = 'list' | 'create';

/** The PlusAuth scope a bearer token will need for each action on a tenant. */
export const TENANT_SCOPES: Readonly<Record<TenantAction, string>> = { read: 'read:tenant', update: 'update:tenant' };

export function apiKeyPrincipal(apiKey: ApiKey): Principal {
  return { kind: 'apiKey', apiKey };
}

/** Not locked to a tenant and not limited to some endpoints: FusionAuth's superuser key. */
export function isSuperuser(principal: Principal): boolean {
  const key = principal.apiKey;
  return key.tenantId === null && Object.keys(key.permissions.endpoints).length === 0;
}

/** The account the principal acts for. */
export function accountOf(principal: Principal): string {
  return principal.apiKey.ownerId;
}

/** The one tenant the principal is limited to, if it is limited to one. */
export function tenantLimit(principal: Principal): string | undefined {
  return principal.apiKey.tenantId ?? undefined;
}

export function mayAccessTenant(principal: Principal, _action: TenantAction, tenant: Pick<Tenant, 'id' | 'createdBy'>): boolean {
  const locked = tenantLimit(principal);
  if (locked !== undefined) return locked === tenant.id;
  return isSuperuser(principal) || accountOf(principal) === tenant.createdBy;
}

export function mayActForAccount(principal: Principal, action: AccountAction, accountId: string): boolean {
  if (isSuperuser(principal)) return true;
  if (action === 'create' && tenantLimit(principal) !== undefined) return false;
  return accountOf(principal) === accountId;
}

export function assertTenantAccess(principal: Principal, action: TenantAction, tenant: Pick<Tenant, 'id' | 'createdBy'>): void {
  if (!mayAccessTenant(principal, action, tenant)) throw new NotPermitted();
}

export function assertAccountAccess(principal: Principal, action: AccountAction, accountId: string): void {
  if (!mayActForAccount(principal, action, accountId)) throw new NotPermitted();
}
