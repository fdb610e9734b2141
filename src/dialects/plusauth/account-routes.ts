/**
 * An account's tenants (seed 000), under /users:
 *   GET  /users/{user_id}/tenants  → {results, total}: the tenants that account created, oldest first
 *   POST /users/{user_id}/tenants  → 201, a new tenant of that account with PlusAuth's defaults
 *                                    (the seeds describe no creation call; this is Tessera's, so a
 *                                    PlusAuth client can make a tenant that starts as PlusAuth documents)
 * The account is the one an API key acts for (core/access/accounts.ts); who may ask is decided
 * by core/access/tenant-access.ts. A tenant-locked key sees only its own tenant.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ACCOUNT_ID_PATTERN } from '../../core/access/accounts.js';
import { assertAccountAccess, tenantLimit } from '../../core/access/tenant-access.js';
import type { KeystoreService } from '../../core/keys/keystore-service.js';
import { SLUG_PATTERN } from '../../core/tenants/slug.js';
import type { TenantService } from '../../core/tenants/tenant-service.js';
import { principalOf } from './auth.js';
import { plusAuthTenantDefaults } from './defaults.js';
import { PlusAuthTenant, PlusAuthTenantList, plusAuthOperation } from './responses.js';
import { PLUSAUTH_TAG } from './settings-routes.js';
import { type PlusAuthSettingsPatch, applyPlusAuthSettings, plusAuthFieldFor } from './settings-mapping.js';
import { PlusAuthSettingsPatchSchema } from './settings-schema.js';
import type { PlanDetails } from './subscription.js';
import { toPlusAuthTenant } from './tenant-json.js';

const AccountParams = Type.Object({ user_id: Type.String({ pattern: ACCOUNT_ID_PATTERN.source, description: 'The account: the one an API key acts for (`operator` for the first-start key)' }) });

const CreateTenantSchema = Type.Object(
  {
    tenant_id: Type.String({ minLength: 1, maxLength: 64, pattern: SLUG_PATTERN.source, description: "The tenant's identifier: lowercase letters, digits and inner hyphens; also its name and the first segment of its issuer" }),
    settings: Type.Optional(PlusAuthSettingsPatchSchema),
  },
  { $id: 'PlusAuthCreateTenant', additionalProperties: false },
);
type CreateTenantBody = { tenant_id: string; settings?: PlusAuthSettingsPatch };

/** The tenant's identifier is its slug and its name; the rest are settings. */
function errorFields(corePath: string): string {
  if (corePath === 'name' || corePath === 'slug' || corePath === 'id') return 'tenant_id';
  if (corePath === 'createdBy') return 'user_id';
  return `settings.${plusAuthFieldFor(corePath)}`;
}

export interface PlusAuthAccountDeps {
  tenants: TenantService;
  keystore: KeystoreService;
  region: string;
  planDetails?: PlanDetails;
}

/** Paths are under the /users prefix; the scope's hook has authenticated the caller. */
export function registerPlusAuthAccountRoutes(app: FastifyInstance, deps: PlusAuthAccountDeps): void {
  const listOp = { summary: 'The tenants an account created, each with its keystore, settings and subscription', tag: PLUSAUTH_TAG, params: AccountParams, responses: { 200: PlusAuthTenantList }, errors: [400] };
  app.get<{ Params: { user_id: string } }>('/:user_id/tenants', { schema: plusAuthOperation(listOp) }, async (request, reply) => {
    const principal = principalOf(request);
    assertAccountAccess(principal, 'list', request.params.user_id);
    const created = await deps.tenants.listCreatedBy({ tenantId: tenantLimit(principal) }, request.params.user_id);
    const results = await Promise.all(created.filter((t) => t.state === 'Active').map((t) => toPlusAuthTenant(t, deps)));
    return reply.send({ results, total: results.length });
  });

  const createOp = {
    summary: "Create a tenant for an account, with PlusAuth's documented defaults (Tessera: the seeds describe no creation call)",
    tag: PLUSAUTH_TAG,
    params: AccountParams,
    body: CreateTenantSchema,
    responses: { 201: PlusAuthTenant },
    errors: [400],
  };
  app.post<{ Params: { user_id: string }; Body: CreateTenantBody }>('/:user_id/tenants', { config: { errorFields }, schema: plusAuthOperation(createOp) }, async (request, reply) => {
    const principal = principalOf(request);
    assertAccountAccess(principal, 'create', request.params.user_id);
    const body = request.body;
    const settings = applyPlusAuthSettings(plusAuthTenantDefaults(), body.settings ?? {});
    const tenant = await deps.tenants.create({}, { name: body.tenant_id, slug: body.tenant_id, createdBy: request.params.user_id, settings, planBaseline: plusAuthTenantDefaults() });
    return reply.code(201).send(await toPlusAuthTenant(tenant, deps));
  });
}
