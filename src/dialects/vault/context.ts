/**
 * Authentication and tenant resolution for the Vault (snake_case) API. The API key comes as
 * `Authorization: Bearer <key>` or `X-API-Key: <key>` (the raw header FusionAuth clients send
 * works too). `{tenant_id}` in a path is the tenant's slug or UUID; a tenant-locked key
 * reaches only its own tenant.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiKey, ApiKeyService } from '../../core/apikeys/api-key-service.js';
import { permits } from '../../core/apikeys/api-key-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { NotFound, NotPermitted } from '../../core/errors.js';
import { Unauthenticated } from '../../http/failure.js';
import { presentedKey } from '../../http/api-key-auth.js';
import { SLUG_PATTERN } from '../../core/tenants/slug.js';
import { isUuid } from '../../util/uuid.js';

declare module 'fastify' {
  interface FastifyRequest {
    vault?: { apiKey: ApiKey; tenant?: Tenant };
  }
}

function endpointOf(request: FastifyRequest): string {
  return (request.routeOptions.url ?? '').split('/:')[0]!.replace(/\/$/, '');
}

export function vaultAuthenticate(deps: { apiKeys: ApiKeyService; tenants: TenantService }) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const value = presentedKey(request);
    const apiKey = value ? await deps.apiKeys.authenticate(value) : undefined;
    if (!apiKey) throw new Unauthenticated();
    if (!permits(apiKey, request.method, endpointOf(request))) throw new NotPermitted();
    request.vault = { apiKey };
    const tenantRef = (request.params as { tenant_id?: string } | undefined)?.tenant_id;
    if (tenantRef === undefined) return;
    request.vault.tenant = await resolveVaultTenant(deps, tenantRef, apiKey);
  };
}

/**
 * The active tenant a Vault `tenant_id` (slug or UUID, in a path, a query or a body) names,
 * for this API key (none: an anonymous call). A key locked to another tenant is refused.
 */
export async function resolveVaultTenant(deps: { tenants: TenantService }, tenantRef: string, apiKey: ApiKey | undefined): Promise<Tenant> {
  // Only a slug or a UUID can name a tenant: anything else (NUL, over-long text) is not looked up.
  const ref = tenantRef.toLowerCase();
  if (!SLUG_PATTERN.test(ref) && !isUuid(ref)) throw new NotFound('tenant');
  const tenant = await deps.tenants.getBySlugOrId(ref);
  if (apiKey?.tenantId && apiKey.tenantId !== tenant.id) throw new NotPermitted();
  if (tenant.state !== 'Active') throw new NotFound('tenant');
  return tenant;
}

/** The API key vaultAuthenticate accepted for this request. */
export function apiKeyOf(request: FastifyRequest): ApiKey {
  const apiKey = request.vault?.apiKey;
  if (!apiKey) throw new Error('Vault route reached without an authenticated API key');
  return apiKey;
}

export function tenantOf(request: FastifyRequest): Tenant {
  const tenant = request.vault?.tenant;
  if (!tenant) throw new Error('Vault tenant route reached without a resolved tenant');
  return tenant;
}
