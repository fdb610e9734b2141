/**
 * FusionAuth Tenant API (seed 003): create (random or given id, sourceTenantId copy), retrieve
 * one/all, PUT (replace: left-out fields return to defaults), PATCH (merge; null removes),
 * DELETE (sync, or async → 202 and PendingDelete), and the anonymous password rules.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NotPermitted, ValidationFailed, problem } from '../../core/errors.js';
import { type Tenant, type TenantSettings, defaultTenantSettings } from '../../core/tenants/settings.js';
import type { TenantScope, TenantService } from '../../core/tenants/tenant-service.js';
import { compile } from '../../http/ajv.js';
import { fillDefaults, isPlainObject, mergePatch, withoutNulls } from '../../util/json-merge.js';
import { principal } from './auth.js';
import { problemsFromAjv, sendFaError } from './errors.js';
import { isUuid, objectBody } from './request.js';
import { type FaTenantSettings, applyFaTenant, faFieldFor, faPasswordRules, faView, toFaTenant } from './tenant-mapping.js';
import { type FaTenant, type FaTenantRequest, FaTenantRequestSchema, FaTenantSchema } from './tenant-schema.js';

/** Objects taken whole, never merged with defaults. */
const OPAQUE = new Set(['data', 'events', 'properties']);
const validateTenant = compile<FaTenant>(FaTenantSchema);

/** Fields of the request envelope keep their names; core paths become FusionAuth tenant paths. */
const REQUEST_FIELDS = new Set(['tenant', 'sourceTenantId', 'tenantId', 'webhookIds', 'eventInfo', 'request']);
const mapField = (path: string) => (REQUEST_FIELDS.has(path.split(/[.[]/)[0]!) ? path : faFieldFor(path));

function fail(reply: FastifyReply, error: unknown): void {
  if (!sendFaError(reply, error, mapField)) throw error;
}

/** Defaults as FusionAuth shows them; issuer and keys blank mean "derive" / "keep or generate". */
function faDefaults(keys?: { accessTokenKeyId: string; idTokenKeyId: string }): FaTenantSettings {
  return faView(defaultTenantSettings({ issuer: '', accessTokenKeyId: keys?.accessTokenKeyId ?? '', idTokenKeyId: keys?.idTokenKeyId ?? '' }));
}

/** Completes a FusionAuth tenant body with defaults and maps it onto `base`. */
function toSettings(input: FaTenant, base: TenantSettings, keys?: { accessTokenKeyId: string; idTokenKeyId: string }): TenantSettings {
  const { id: _id, name: _name, insertInstant: _i, lastUpdateInstant: _l, state: _s, ...fields } = input;
  const full = fillDefaults(fields, faDefaults(keys), OPAQUE);
  return applyFaTenant(full, base);
}

function requestBody(request: FastifyRequest): FaTenantRequest {
  return withoutNulls(objectBody<FaTenantRequest>(request), OPAQUE) as FaTenantRequest;
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

export function registerTenantRoutes(app: FastifyInstance, deps: { tenants: TenantService }): void {
  const { tenants } = deps;
  const bodySchema = { body: FaTenantRequestSchema };

  const create = async (request: FastifyRequest<{ Params: { tenantId?: string } }>, reply: FastifyReply) => {
    try {
      const p = principal(request);
      if (p.locked) throw new NotPermitted();
      const givenId = request.params.tenantId;
      if (givenId !== undefined && !isUuid(givenId)) throw new ValidationFailed([problem('tenantId', 'invalid', 'The tenant id must be a UUID.')]);
      const body = requestBody(request);
      const name = requireName(body.tenant);
      const id = (givenId ?? body.tenant?.id)?.toLowerCase();
      let tenant: Tenant;
      if (body.sourceTenantId) {
        tenant = await tenants.create({}, { ...(id ? { id } : {}), name, sourceTenantId: body.sourceTenantId.toLowerCase() });
      } else {
        const defaults = defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' });
        tenant = await tenants.create({}, { ...(id ? { id } : {}), name, settings: toSettings(body.tenant ?? {}, defaults) });
      }
      return reply.send({ tenant: toFaTenant(tenant) });
    } catch (error) {
      return fail(reply, error);
    }
  };
  app.post('/api/tenant', { schema: bodySchema, attachValidation: true }, create);
  app.post('/api/tenant/:tenantId', { schema: bodySchema, attachValidation: true }, create);

  app.get('/api/tenant', async (request, reply) => {
    const p = principal(request);
    const list = await tenants.list({ tenantId: p.tenantId });
    return reply.send({ tenants: list.map(toFaTenant) });
  });

  app.get<{ Params: { tenantId: string } }>('/api/tenant/:tenantId', async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) return reply.code(404).send();
    try {
      return reply.send({ tenant: toFaTenant(await tenants.get(scopeFor(request), id)) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.put<{ Params: { tenantId: string } }>('/api/tenant/:tenantId', { schema: bodySchema, attachValidation: true }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) return reply.code(404).send();
    try {
      const scope = scopeFor(request);
      const body = requestBody(request);
      const name = requireName(body.tenant);
      const tenant = await tenants.update(scope, id, (current) => ({
        name,
        settings: toSettings(body.tenant ?? {}, current.settings, current.settings.tokens),
      }));
      return reply.send({ tenant: toFaTenant(tenant) });
    } catch (error) {
      return fail(reply, error);
    }
  });

  const patchSchema = { body: Type.Object({ tenant: Type.Optional(Type.Unknown()), sourceTenantId: Type.Optional(Type.Unknown()) }) };
  app.patch<{ Params: { tenantId: string } }>('/api/tenant/:tenantId', { schema: patchSchema, attachValidation: true }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) return reply.code(404).send();
    try {
      const scope = scopeFor(request);
      if (request.validationError || !isPlainObject(request.body)) {
        throw new ValidationFailed([], [{ code: '[invalidJSON]', message: 'The request body must be a JSON object.' }]);
      }
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
    } catch (error) {
      return fail(reply, error);
    }
  });

  const deleteQuery = Type.Object({ async: Type.Optional(Type.Enum(['true', 'false'])) });
  app.delete<{ Params: { tenantId: string }; Querystring: { async?: string } }>('/api/tenant/:tenantId', { schema: { querystring: deleteQuery } }, async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id) || hiddenByHeader(request, id)) return reply.code(404).send();
    const bodyAsync = isPlainObject(request.body) && (request.body as { async?: unknown }).async === true;
    const async = request.query.async === 'true' || bodyAsync;
    try {
      await tenants.delete(scopeFor(request), id, { async });
      return reply.code(async ? 202 : 200).send();
    } catch (error) {
      return fail(reply, error);
    }
  });
}

/** Anonymous: only the password rules, nothing else of the tenant. */
export function registerPasswordRulesRoute(app: FastifyInstance, deps: { tenants: TenantService }): void {
  app.get<{ Params: { tenantId: string } }>('/api/tenant/password-validation-rules/:tenantId', async (request, reply) => {
    const id = request.params.tenantId.toLowerCase();
    if (!isUuid(id)) return reply.code(404).send();
    try {
      const tenant = await deps.tenants.get({}, id);
      return reply.send({ passwordValidationRules: faPasswordRules(tenant.settings) });
    } catch (error) {
      return fail(reply, error);
    }
  });
}
