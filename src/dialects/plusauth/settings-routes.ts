/**
 * PlusAuth tenant settings (seed 001), under the /tenants prefix the Vault API shares:
 *   GET   /tenants/{tenant_id}/settings   → every field, with its value (scope read:tenant)
 *   PATCH /tenants/{tenant_id}/settings   → change any part (scope update:tenant); answers the settings
 * A change is one tenant update: it is in effect for the next login, the next password hashed
 * and the next token issued (the tenant change event clears the caches and rebuilds the
 * tenant's OpenID Provider).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { assertTenantAccess, tenantLimit } from '../../core/access/tenant-access.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { TenantRef } from '../vault/user-schema.js';
import { findPlusAuthTenant, principalOf } from './auth.js';
import { plusAuthOperation } from './responses.js';
import { type PlusAuthSettingsPatch, applyPlusAuthSettings, plusAuthFieldFor, plusAuthSettings } from './settings-mapping.js';
import { PlusAuthSettingsPatchSchema, PlusAuthSettingsSchema } from './settings-schema.js';

export const PLUSAUTH_TAG = 'PlusAuth: Tenants';

export const TenantParams = Type.Object({ tenant_id: Type.String({ ...TenantRef, description: "The tenant's identifier: its slug (or its UUID)" }) });

/** Paths are under the /tenants prefix; the scope's hook has authenticated the caller. */
export function registerPlusAuthSettingsRoutes(app: FastifyInstance, deps: { tenants: TenantService }): void {
  const config = { errorFields: plusAuthFieldFor };

  const getOp = { summary: "The tenant's settings: every field seed 001 lists, with its value", tag: PLUSAUTH_TAG, params: TenantParams, responses: { 200: PlusAuthSettingsSchema }, errors: [400] };
  app.get<{ Params: { tenant_id: string } }>('/:tenant_id/settings', { config, schema: plusAuthOperation(getOp) }, async (request, reply) => {
    const tenant = await findPlusAuthTenant(deps.tenants, request.params.tenant_id);
    assertTenantAccess(principalOf(request), 'read', tenant);
    return reply.send(plusAuthSettings(tenant.settings));
  });

  const patchOp = {
    summary: 'Change any part of the settings (objects merge; each value held to its documented range); answers the settings',
    tag: PLUSAUTH_TAG,
    params: TenantParams,
    body: PlusAuthSettingsPatchSchema,
    responses: { 200: PlusAuthSettingsSchema },
    errors: [400],
  };
  app.patch<{ Params: { tenant_id: string }; Body: PlusAuthSettingsPatch }>('/:tenant_id/settings', { config, schema: plusAuthOperation(patchOp) }, async (request, reply) => {
    const principal = principalOf(request);
    const tenant = await findPlusAuthTenant(deps.tenants, request.params.tenant_id);
    assertTenantAccess(principal, 'update', tenant);
    const updated = await deps.tenants.update({ tenantId: tenantLimit(principal) }, tenant.id, (current) => ({
      name: current.name,
      settings: applyPlusAuthSettings(current.settings, request.body),
    }));
    return reply.send(plusAuthSettings(updated.settings));
  });
}
