import type { FastifyRequest } from 'fastify';
import type { Tenant } from '../../core/tenants/settings.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { principal } from './auth.js';

/**
 * The tenant a FusionAuth user-scoped call is for: X-FusionAuth-TenantId or a tenant-locked key,
 * else the only tenant there is (FusionAuth's rule); undefined when it cannot be told.
 */
export async function requestTenant(request: FastifyRequest, tenants: TenantService): Promise<Tenant | undefined> {
  const { tenantId: scoped, tenant } = principal(request);
  if (tenant && tenant.id === scoped) return tenant;
  if (scoped) return tenants.get({}, scoped);
  return tenants.soleTenant();
}

export const TENANT_REQUIRED = { code: '[TenantIdRequired]', message: 'More than one tenant exists: name one with X-FusionAuth-TenantId.' };
