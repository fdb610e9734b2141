/**
 * FusionAuth Tenant API (seed 003): create (random or given id, sourceTenantId copy), retrieve
 * one/all, PUT (replace: left-out fields return to defaults), PATCH (merge; null removes),
 * DELETE (sync, or async → 202 and PendingDelete), and the anonymous password rules.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NotFound, NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { type Tenant, type TenantSettings, defaultTenantSettings } from '../../core/tenants/settings.js';
import { checkTenantSettings } from '../../core/tenants/rules.js';
import type { TenantScope, TenantService } from '../../core/tenants/tenant-service.js';
import { compile } from '../../http/ajv.js';
import { fillDefaults, isPlainObject, mergePatch, withoutNulls } from '../../util/json-merge.js';
import { principal } from './auth.js';
import { problemsFromAjv } from './errors.js';
import { isUuid } from './request.js';
import { Done, FaPasswordRulesResponse, FaTenantResponse, FaTenantsResponse, faOperation } from './responses.js';
import { emptyResponse } from '../../http/operation.js';
import { type FaTenantSettings, applyFaTenant, faFieldFor, faPasswordRules, faTenantProblems, faView, toFaTenant } from './tenant-mapping.js';
import { type FaTenant, type FaTenantRequest, FaTenantRequestSchema, FaTenantSchema } from './tenant-schema.js';

/** Objects taken whole, never merged with defaults. */
const OPAQUE = new Set(['data', 'events', 'properties']);
const validateTenant = compile<FaTenant>(FaTenantSchema);

/** Fields of the request envelope keep their names; core paths become FusionAuth tenant paths. */
const REQUEST_FIELDS = new Set(['tenant', 'sourceTenantId', 'tenantId', 'webhookIds', 'eventInfo', 'request']);
const errorFields = (path: string) => (REQUEST_FIELDS.has(path.split(/[.[]/)[0]!) ? path : faFieldFor(path));

/** Defaults as FusionAuth shows them; issuer and keys blank mean "derive" / "keep or generate". */
function faDefaults(keys?: { accessTokenKeyId: string; idTokenKeyId: string }): FaTenantSettings {
  return faView(defaultTenantSettings({ issuer: '', accessTokenKeyId: keys?.accessTokenKeyId ?? '', idTokenKeyId: keys?.idTokenKeyId ?? '' }));
}

/** Completes a FusionAuth tenant body with defaults and maps it onto `base`. */
function toSettings(input: FaTenant, base: TenantSettings, keys?: { accessTokenKeyId: string; idTokenKeyId: string }): TenantSettings {
  const { id: _id, name: _name, insertInstant: _i, lastUpdateInstant: _l, state: _s, ...fields } = input;
  const full = fillDefaults(fields, faDefaults(keys), OPAQUE);
  const settings = applyFaTenant(full, base);
  const problems = faTenantProblems(settings, base);
  // Reported with the core's own findings, as one answer.
  // (A blank issuer is one the service derives, not a problem.)
  if (problems.length) throw new ValidationFailed([...problems, ...checkTenantSettings({ ...settings, issuer: settings.issuer || 'derived' })]);
  return settings;
}

function requestBody(request: FastifyRequest): FaTenantRequest {
  return withoutNulls(request.body as FaTenantRequest, OPAQUE) as FaTenantRequest;
}

function requireName(tenant: FaTenant | undefined): string {
  const name = tenant?.name?.trim();
  if (!name) throw new ValidationFailed([problem('tenant.name', 'blank', 'The tenant name is required.')]);
  return name;
}

/** The service enforces a key's tenant lock (401 for other tenants). */
function scopeFor(request: FastifyRequest): TenantScope {
  const p = principal(request);
  return { tenantId: p.locked ? p.tenantId : undefined };
}

/** A header-only narrowing (X-FusionAuth-TenantId) hides other tenants: 404, as if absent. */
function hiddenByHeader(request: FastifyRequest, id: string): boolean {
  const p = principal(request);
  return Boolean(p.tenantId && p.tenantId !== id && !p.locked);
}

const TAG = 'Tenant';
// The merged tenant is validated, not the patch: the route schema checks only the envelope.
const PatchSchema = Type.Object(
  { tenant: Type.Optional(Type.Unknown({ description: 'An RFC 7396 merge patch of the tenant object' })), sourceTenantId: Type.Optional(Type.Unknown()) },
  { $id: 'FusionAuthTenantPatch' },
);

const TenantIdParams = Type.Object({ tenantId: Type.String({ description: 'The tenant id (a UUID)' }) });

/** Paths are under the FusionAuth scope's prefix, /api. */
export function registerTenantRoutes(app: FastifyInstance, deps: { tenants: TenantService }): void {
  const { tenants } = deps;
  const config = { errorFields };

  const create = async (request: FastifyRequest<{ Params: { tenantId?: string } }>, reply: FastifyReply) => {
    const p = principal(request);
    if (p.locked) throw new NotPermitted();
    const givenId = request.params.tenantId;
    if (givenId !== undefined && !isUuid(givenId)) throw new ValidationFailed([problem('tenantId', 'invalid', 'The tenant id must be a UUID.')]);
    const body = requestBody(request);
    const name = requireName(body.tenant);
    const id = (givenId ?? body.tenant?.id)?.toLowerCase();
    let tenant: Tenant;
    if (body.sourceTenantId) {
      tenant = await tenants.create({}, { ...(id ? { id } : {}), name, createdBy: p.apiKey.ownerId, sourceTenantId: body.sourceTenantId.toLowerCase() });
    } else {
      const defaults = defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' });
      tenant = await tenants.create({}, { ...(id ? { id } : {}), name, createdBy: p.apiKey.ownerId, settings: toSettings(body.tenant ?? {}, defaults) });
    }
    return reply.send({ tenant: toFaTenant(tenant) });
  };
  const createOp = (summary: string) => ({ summary, tag: TAG, body: FaTenantRequestSchema, responses: { 200: FaTenantResponse }, errors: [400, 401] });
  app.post('/tenant', { config, schema: faOperation(createOp('Create a tenant with a random id (or copy one: sourceTenantId)')) }, create);
  app.post('/tenant/:tenantId', { config, schema: faOperation({ ...createOp('Create a tenant with the given id'), params: TenantIdParams }) }, create);

  app.get('/tenant', { schema: faOperation({ summary: 'Retrieve all tenants', tag: TAG, responses: { 200: FaTenantsResponse }, errors: [401] }) }, async (request, reply) => {
    const p = principal(request);
    const list = await tenants.list({ tenantId: p.tenantId });
    return reply.send({ tenants: list.map(toFaTenant) });
  });

  app.get<{ Params: { tenantId: string } }>(
    '/tenant/:tenantId',
    { config, schema: faOperation({ summary: 'Retrieve a tenant', tag: TAG, params: TenantIdParams, responses: { 200: FaTenantResponse }, errors: [401, 404] }) },
    async (request, reply) => {
      const id = request.params.tenantId.toLowerCase();
      if (!isUuid(id) || hiddenByHeader(request, id)) throw new NotFound('tenant');
      return reply.send({ tenant: toFaTenant(await tenants.get(scopeFor(request), id)) });
    },
  );

  const replaceOp = { summary: 'Replace a tenant (left-out fields return to their defaults)', tag: TAG, params: TenantIdParams, body: FaTenantRequestSchema, responses: { 200: FaTenantResponse }, errors: [400, 401, 404] };
  app.put<{ Params: { tenantId: string } }>('/tenant/:tenantId', { config, schema: faOperation(replaceOp) }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) throw new NotFound('tenant');
    const scope = scopeFor(request);
    const body = requestBody(request);
    const name = requireName(body.tenant);
    const tenant = await tenants.update(scope, id, (current) => ({
      name,
      settings: toSettings(body.tenant ?? {}, current.settings, current.settings.tokens),
    }));
    return reply.send({ tenant: toFaTenant(tenant) });
  });

  const patchOp = { summary: 'Update a tenant by merge patch (null removes a value; arrays are replaced)', tag: TAG, params: TenantIdParams, body: PatchSchema, responses: { 200: FaTenantResponse }, errors: [400, 401, 404] };
  app.patch<{ Params: { tenantId: string } }>('/tenant/:tenantId', { config, schema: faOperation(patchOp) }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) throw new NotFound('tenant');
    const scope = scopeFor(request);
    const patch = (request.body as { tenant?: unknown }).tenant;
    if (patch !== undefined && patch !== null && !isPlainObject(patch)) {
      throw new ValidationFailed([problem('tenant', 'couldNotConvert', 'The tenant must be an object.')]);
    }
    const tenant = await tenants.update(scope, id, (current) => {
      const merged = mergePatch(toFaTenant(current), patch ?? {});
      if (!validateTenant(merged)) throw new ValidationFailed(problemsFromAjv(validateTenant.errors ?? [], 'tenant'));
      return { name: requireName(merged), settings: toSettings(merged, current.settings, current.settings.tokens) };
    });
    return reply.send({ tenant: toFaTenant(tenant) });
  });

  const deleteOp = {
    summary: 'Delete a tenant and all it owns (async=true: 202, deleted in the background)',
    tag: TAG,
    params: TenantIdParams,
    querystring: Type.Object({ async: Type.Optional(Type.Enum(['true', 'false'], { description: '`true`: answer 202 and delete in the background' })) }),
    responses: { 200: Done, 202: emptyResponse('Accepted: the tenant shows state PendingDelete until it is gone (empty body)') },
    errors: [401, 404],
  };
  app.delete<{ Params: { tenantId: string }; Querystring: { async?: string } }>('/tenant/:tenantId', { config, schema: faOperation(deleteOp) }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) throw new NotFound('tenant');
    const bodyAsync = isPlainObject(request.body) && (request.body as { async?: unknown }).async === true;
    const async = request.query.async === 'true' || bodyAsync;
    await tenants.delete(scopeFor(request), id, { async });
    return reply.code(async ? 202 : 200).send();
  });
}

/** Anonymous: only the password rules, nothing else of the tenant. Under /api. */
export function registerPasswordRulesRoute(app: FastifyInstance, deps: { tenants: TenantService }): void {
  const op = { summary: "Retrieve a tenant's password rules (no API key needed)", tag: TAG, params: TenantIdParams, responses: { 200: FaPasswordRulesResponse }, errors: [404], anonymous: true };
  app.get<{ Params: { tenantId: string } }>('/tenant/password-validation-rules/:tenantId', { schema: faOperation(op) }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id)) throw new NotFound('tenant');
    const tenant = await deps.tenants.get({}, id);
    return reply.send({ passwordValidationRules: faPasswordRules(tenant.settings) });
  });
}
