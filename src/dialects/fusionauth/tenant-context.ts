import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from '../../core/errors.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { principal } from './auth.js';

export const TENANT_REQUIRED = { code: '[TenantIdRequired]', message: 'More than one tenant exists: name one with X-FusionAuth-TenantId.' };

/**
 * The tenant a FusionAuth user-scoped call is for: X-FusionAuth-TenantId or a tenant-locked key,
 * else the only tenant there is (FusionAuth's rule); 400 [TenantIdRequired] when it cannot be told.
 */
export async function requestTenant(request: FastifyRequest, tenants: TenantService): Promise<Tenant> {
  const { tenantId: scoped, tenant } = principal(request);
  if (tenant && tenant.id === scoped) return tenant;
  const found = scoped ? await tenants.get({}, scoped) : await tenants.soleTenant();
  if (!found) throw new ValidationFailed([], [TENANT_REQUIRED]);
  return found;
}
