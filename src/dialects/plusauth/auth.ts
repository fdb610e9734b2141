/**
 * Authentication for the PlusAuth routes: an API key as `Authorization: Bearer <key>`,
 * `X-API-Key`, or the raw `Authorization` header. No or a wrong key is 401; a key whose
 * endpoint permissions do not cover the call is 403. What the key may do with a tenant or an
 * account is decided by core/access/tenant-access.ts (PlusAuth's bearer management tokens
 * will become another kind of principal there).
 */
import type { FastifyRequest } from 'fastify';
import { type ApiKeyService, permits } from '../../core/apikeys/api-key-service.js';
import { type Principal, apiKeyPrincipal } from '../../core/access/tenant-access.js';
import { NotFound, NotPermitted } from '../../core/errors.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { SLUG_PATTERN } from '../../core/tenants/slug.js';
import { presentedKey } from '../../http/api-key-auth.js';
import { Unauthenticated } from '../../http/failure.js';
import { isUuid } from '../../util/uuid.js';

declare module 'fastify' {
  interface FastifyRequest {
    plusauth?: { principal: Principal };
  }
}

/** The route's path with its parameters cut off (`/tenants/:tenant_id/settings` → `/tenants`), as API-key permissions name it. */
function endpointOf(request: FastifyRequest): string {
  return (request.routeOptions.url ?? '').split('/:')[0]!.replace(/\/$/, '');
}

export function plusAuthAuthenticate(deps: { apiKeys: ApiKeyService }) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const value = presentedKey(request);
    const apiKey = value ? await deps.apiKeys.authenticate(value) : undefined;
    if (!apiKey) throw new Unauthenticated();
    if (!permits(apiKey, request.method, endpointOf(request))) throw new NotPermitted();
    request.plusauth = { principal: apiKeyPrincipal(apiKey) };
  };
}

export function principalOf(request: FastifyRequest): Principal {
  const principal = request.plusauth?.principal;
  if (!principal) throw new Error('PlusAuth route reached without authentication');
  return principal;
}

/** The active tenant a PlusAuth `tenant_id` (its slug, or its UUID) names; 404 otherwise. */
export async function findPlusAuthTenant(tenants: TenantService, ref: string): Promise<Tenant> {
  const id = ref.toLowerCase();
  if (!SLUG_PATTERN.test(id) && !isUuid(id)) throw new NotFound('tenant');
  const tenant = await tenants.getBySlugOrId(id);
  if (tenant.state !== 'Active') throw new NotFound('tenant');
  return tenant;
}
