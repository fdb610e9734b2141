/**
 * Vault tenant API (seed 004), under /tenants:
 *   POST /tenants                → 201 (body null, as the seed lists it): a tenant with the
 *                                  Vault's documented defaults, created by the key's account
 *   GET  /tenants                → {tenants: [...]}: the tenants this key may read, oldest first
 *   GET  /tenants/{tenant_id}    → the tenant
 *   PUT  /tenants/{tenant_id}    → 200 (body null): replace; members left out take their defaults
 * Who may read and change a tenant is decided by core/access/tenant-access.ts.
 */
import type { FastifyInstance } from 'fastify';
import { accountOf, apiKeyPrincipal, assertAccountAccess, assertTenantAccess, mayAccessTenant, tenantLimit } from '../../core/access/tenant-access.js';
import { ValidationFailed, problem } from '../../core/errors.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { emptyResponse } from '../../http/operation.js';
import { apiKeyOf, tenantOf } from './context.js';
import { vaultOperation } from './responses.js';
import { type VaultTenantBody, completeVaultTenant, vaultTenantDefaults } from './tenant-defaults.js';
import { applyVaultTenant, nameFromDisplayName, toVaultTenant, vaultTenantFieldFor } from './tenant-mapping.js';
import { VaultCreateTenantSchema, VaultTenant, VaultTenantList, VaultUpdateTenantSchema } from './tenant-schema.js';
import { VaultTenantParams } from './user-schema.js';

const TAG = 'Vault: Tenants';

type CreateBody = VaultTenantBody & { tenant_id: string; display_name?: string };
type UpdateBody = VaultTenantBody & { display_name: string; tenant_id?: string };

/** Paths are under the Vault scope's prefix, /tenants; its hook has authenticated the key. */
export function registerVaultTenantRoutes(app: FastifyInstance, deps: { tenants: TenantService }): void {
  const config = { errorFields: vaultTenantFieldFor };

  const createOp = { summary: "Create a tenant with the Vault's documented defaults", tag: TAG, body: VaultCreateTenantSchema, responses: { 201: emptyResponse('Created (the body is JSON null)') }, errors: [422] };
  app.post<{ Body: CreateBody }>('', { config, schema: vaultOperation(createOp) }, async (request, reply) => {
    const principal = apiKeyPrincipal(apiKeyOf(request));
    assertAccountAccess(principal, 'create', accountOf(principal));
    const body = request.body;
    const settings = applyVaultTenant(vaultTenantDefaults(), completeVaultTenant(body));
    await deps.tenants.create({}, { name: nameFromDisplayName(body.display_name ?? '', body.tenant_id), slug: body.tenant_id, createdBy: accountOf(principal), settings, planBaseline: vaultTenantDefaults() });
    return reply.code(201).send(null);
  });

  const listOp = { summary: 'List the tenants this API key may read, oldest first', tag: TAG, responses: { 200: VaultTenantList } };
  app.get('', { config, schema: vaultOperation(listOp) }, async (request, reply) => {
    const principal = apiKeyPrincipal(apiKeyOf(request));
    const all = await deps.tenants.list({ tenantId: tenantLimit(principal) });
    const visible = all.filter((t) => t.state === 'Active' && mayAccessTenant(principal, 'read', t));
    return reply.send({ tenants: visible.map(toVaultTenant) });
  });

  const readOp = { summary: 'Read a tenant', tag: TAG, params: VaultTenantParams, responses: { 200: VaultTenant }, errors: [422] };
  app.get('/:tenant_id', { config, schema: vaultOperation(readOp) }, async (request, reply) => {
    const tenant = tenantOf(request);
    assertTenantAccess(apiKeyPrincipal(apiKeyOf(request)), 'read', tenant);
    return reply.send(toVaultTenant(tenant));
  });

  const updateOp = {
    summary: 'Replace a tenant: members left out (or null) take their defaults; is_2fa is kept unless given',
    tag: TAG,
    params: VaultTenantParams,
    body: VaultUpdateTenantSchema,
    responses: { 200: emptyResponse('Replaced (the body is JSON null)') },
    errors: [422],
  };
  app.put<{ Body: UpdateBody }>('/:tenant_id', { config, schema: vaultOperation(updateOp) }, async (request, reply) => {
    const principal = apiKeyPrincipal(apiKeyOf(request));
    const tenant = tenantOf(request);
    assertTenantAccess(principal, 'update', tenant);
    const body = request.body;
    if (body.tenant_id !== undefined && body.tenant_id.toLowerCase() !== tenant.slug && body.tenant_id.toLowerCase() !== tenant.id) {
      throw new ValidationFailed([problem('tenant_id', 'invalid', 'A tenant_id never changes: it must name the tenant in the path.')]);
    }
    await deps.tenants.update({ tenantId: tenantLimit(principal) }, tenant.id, (current) => ({
      name: nameFromDisplayName(body.display_name, current.slug),
      settings: applyVaultTenant(current.settings, completeVaultTenant(body, { is_2fa: current.settings.loginMethods.twoFactorRequired })),
    }));
    return reply.send(null);
  });
}
