/** The tenant a page request's path named, once resolved (context.ts), for every later step of it. */
import type { FastifyRequest } from 'fastify';
import type { Tenant } from '../core/tenants/settings.js';

const tenants = new WeakMap<FastifyRequest, Tenant>();

export function rememberTenant(request: FastifyRequest, tenant: Tenant): void {
  tenants.set(request, tenant);
}

export function resolvedTenant(request: FastifyRequest): Tenant | undefined {
  return tenants.get(request);
}
