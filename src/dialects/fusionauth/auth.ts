/**
 * API-key authentication for the FusionAuth dialect. FusionAuth's client sends the key as the
 * raw Authorization header; `Authorization: Bearer …` and `X-API-Key` are accepted too.
 * A missing or wrong key, or one whose endpoint permissions do not cover the request, is 401
 * with an empty body. `X-FusionAuth-TenantId` narrows the request to one tenant; a
 * tenant-locked key is always narrowed to its tenant and may not name another.
 */
import type { FastifyRequest } from 'fastify';
import { type ApiKey, type ApiKeyService, permits } from '../../core/apikeys/api-key-service.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import { NotFound, ValidationFailed } from '../../core/errors.js';
import { Unauthenticated } from '../../http/failure.js';
import { presentedKey } from '../../http/api-key-auth.js';
import { isUuid } from './request.js';

export interface FaPrincipal {
  apiKey: ApiKey;
  /** The tenant this request is narrowed to (by key lock or header), if any. */
  tenantId: string | undefined;
  /** The header's tenant, already read while checking the header (saves reading it again). */
  tenant?: Tenant | undefined;
  /** True when the narrowing comes from the key itself, not only a header. */
  locked: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    fa?: FaPrincipal;
  }
}


/** The route's path pattern with parameters cut off, e.g. `/api/tenant/:tenantId` → `/api/tenant`. */
function endpointOf(request: FastifyRequest): string {
  const pattern = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return pattern.split('/:')[0]!.replace(/\/$/, '');
}

const invalidTenantHeader = (message: string) => new ValidationFailed([], [{ code: '[invalid]tenantId', message }]);

export function faAuthenticate(deps: { apiKeys: ApiKeyService; tenants: TenantService }) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const value = presentedKey(request);
    const apiKey = value ? await deps.apiKeys.authenticate(value) : undefined;
    if (!apiKey || !permits(apiKey, request.method, endpointOf(request))) throw new Unauthenticated();
    const header = request.headers['x-fusionauth-tenantid'];
    let tenantId = apiKey.tenantId ?? undefined;
    let headerTenant: Tenant | undefined;
    if (typeof header === 'string' && header.length) {
      if (!isUuid(header)) throw invalidTenantHeader('The X-FusionAuth-TenantId header is not a valid tenant Id.');
      if (apiKey.tenantId && apiKey.tenantId !== header.toLowerCase()) throw new Unauthenticated();
      try {
        headerTenant = await deps.tenants.get({}, header.toLowerCase());
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        throw invalidTenantHeader('The X-FusionAuth-TenantId header names no tenant.');
      }
      tenantId = header.toLowerCase();
    }
    request.fa = { apiKey, tenantId, locked: apiKey.tenantId !== null, tenant: headerTenant };
  };
}

export function principal(request: FastifyRequest): FaPrincipal {
  if (!request.fa) throw new Error('FusionAuth route reached without authentication');
  return request.fa;
}
