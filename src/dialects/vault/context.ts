/**
 * Authentication and tenant resolution for the Vault (snake_case) API. The API key comes as
 * `Authorization: Bearer <key>` or `X-API-Key: <key>` (the raw header FusionAuth clients send
 * works too). `{tenant_id}` in a path is the tenant's slug or UUID; a tenant-locked key
 * reaches only its own tenant.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, ApiKeyService } from '../../core/apikeys/api-key-service.js';
import { permits } from '../../core/apikeys/api-key-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { NotFound } from '../../core/errors.js';
import { presentedKey } from '../../http/api-key-auth.js';
import { isValidSlug } from '../../core/tenants/slug.js';
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
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const value = presentedKey(request);
    const apiKey = value ? await deps.apiKeys.authenticate(value) : undefined;
    if (!apiKey) return reply.code(401).header('www-authenticate', 'Bearer').send({ detail: 'Not authenticated' });
    if (!permits(apiKey, request.method, endpointOf(request))) return reply.code(403).send({ detail: 'Not permitted for this API key' });
    request.vault = { apiKey };
    const tenantRef = (request.params as { tenant_id?: string } | undefined)?.tenant_id;
    if (tenantRef === undefined) return;
    // Only a slug or a UUID can name a tenant: anything else (NUL, over-long text) is not looked up.
    const ref = tenantRef.toLowerCase();
    if (!isValidSlug(ref) && !isUuid(ref)) return reply.code(404).send({ detail: 'Tenant not found' });
    let tenant: Tenant;
    try {
      tenant = await deps.tenants.getBySlugOrId(ref);
    } catch (error) {
      if (error instanceof NotFound) return reply.code(404).send({ detail: 'Tenant not found' });
      throw error;
    }
    if (apiKey.tenantId && apiKey.tenantId !== tenant.id) return reply.code(403).send({ detail: 'Not permitted for this API key' });
    if (tenant.state !== 'Active') return reply.code(404).send({ detail: 'Tenant not found' });
    request.vault.tenant = tenant;
  };
}

export function tenantOf(request: FastifyRequest): Tenant {
  const tenant = request.vault?.tenant;
  if (!tenant) throw new Error('Vault tenant route reached without a resolved tenant');
  return tenant;
}
