/**
 * Vault user API under /tenants/{tenant_id}/users: list (filters, paging, sorting), get by id
 * or username, create, replace, delete, batch create and batch delete.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ValidationFailed, problem } from '../../core/errors.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { User, UserSortField } from '../../core/users/user.js';
import type { UserInput, UserService } from '../../core/users/user-service.js';
import { compile } from '../../http/ajv.js';
import { isoInstant } from '../../util/instant.js';
import { tenantOf } from './context.js';
import { sendVaultError, sendVaultValidation, validationDetails } from './errors.js';
import {
  type VaultUserInput,
  type VaultUserListQuery,
  VaultBatchDeleteSchema,
  VaultTenantParams,
  VaultUserParams,
  VaultUsernameParams,
  VaultUserInputSchema,
  VaultUserListQuerySchema,
} from './user-schema.js';

// Each batch item is validated on its own so one bad user fails alone, not the batch; the route
// schema checks only the envelope. (Module scope: Ajv caches compiled schemas by identity.)
const batchShape = { params: VaultTenantParams, body: { type: 'object', required: ['users'], properties: { users: { type: 'array', maxItems: 10000, items: { type: 'object' } } } } };

/** A batch of 10,000 users is several MiB of JSON: batch routes accept up to 32 MiB. */
const BATCH_BODY_LIMIT = 32 * 1024 * 1024;

export function toVaultUser(user: User, tenant: Tenant): Record<string, unknown> {
  return {
    user_id: user.id,
    username: user.username,
    email: user.email,
    tenant_id: tenant.slug,
    is_disabled: user.disabled,
    is_verified: user.verified,
    created_at: isoInstant(user.createdAt),
    updated_at: isoInstant(user.updatedAt),
    locale: user.locale,
    roles: user.roles,
    external_id: user.externalId,
  };
}

/** Core field names → this dialect's. */
function vaultField(field: string): string {
  return { externalId: 'external_id', user_id: 'user_id', encryption_scheme: 'encryption_scheme' }[field] ?? field;
}

function fail(reply: FastifyReply, error: unknown, prefix = ''): void {
  if (!sendVaultError(reply, error, (f) => prefix + vaultField(f))) throw error;
}

function toInput(body: VaultUserInput, tenant: Tenant): UserInput {
  if (body.tenant_id !== undefined && body.tenant_id.toLowerCase() !== tenant.slug && body.tenant_id.toLowerCase() !== tenant.id) {
    throw new ValidationFailed([problem('tenant_id', 'invalid', 'The tenant_id in the body must name the tenant in the path.')]);
  }
  const imported = body.hash !== undefined || body.encryption_scheme !== undefined;
  if (imported && (body.hash === undefined || body.encryption_scheme === undefined)) {
    throw new ValidationFailed([problem(body.hash === undefined ? 'hash' : 'encryption_scheme', 'blank', 'An imported password needs both encryption_scheme and hash.')]);
  }
  return {
    ...(body.user_id !== undefined ? { id: body.user_id } : {}),
    username: body.username,
    email: body.email,
    disabled: body.is_disabled ?? false,
    verified: body.is_verified ?? false,
    locale: body.locale ?? null,
    roles: body.roles ?? [],
    externalId: body.external_id ?? null,
    ...(body.created_at !== undefined ? { createdAt: Date.parse(body.created_at) } : {}),
    ...(body.password !== undefined ? { password: body.password } : {}),
    ...(imported ? { importedPassword: { scheme: body.encryption_scheme!, hash: body.hash!, salt: body.salt ?? null, ...(body.factor !== undefined ? { factor: body.factor } : {}) } } : {}),
  };
}

export function registerVaultUserRoutes(app: FastifyInstance, deps: { users: UserService }): void {
  const { users } = deps;
  const validateBatchUser = compile<VaultUserInput>(VaultUserInputSchema);

  app.get<{ Querystring: VaultUserListQuery }>('/tenants/:tenant_id/users', { schema: { params: VaultTenantParams, querystring: VaultUserListQuerySchema }, attachValidation: true }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    const q = request.query;
    const page = await users.list(tenant, {
      ...(q.username ? { username: q.username } : {}),
      ...(q.email ? { email: q.email } : {}),
      limit: q.limit ?? 10,
      offset: q.offset ?? 0,
      sortBy: (q.sort_by ?? 'created_at') as UserSortField,
      sortDirection: (q.sort_direction ?? -1) as 1 | -1,
    });
    return reply.send({ data: page.users.map((u) => toVaultUser(u, tenant)), has_next: page.hasNext, total_count: page.totalCount });
  });

  app.post('/tenants/:tenant_id/users', { schema: { params: VaultTenantParams, body: VaultUserInputSchema }, attachValidation: true }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    try {
      const user = await users.create(tenant, toInput(request.body as VaultUserInput, tenant));
      return reply.code(201).send(toVaultUser(user, tenant));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get<{ Params: { user_id: string } }>('/tenants/:tenant_id/users/:user_id', { schema: { params: VaultUserParams }, attachValidation: true }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    try {
      return reply.send(toVaultUser(await users.get(tenant, request.params.user_id), tenant));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get<{ Params: { username: string } }>('/tenants/:tenant_id/users/by-username/:username', { schema: { params: VaultUsernameParams }, attachValidation: true }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    if (request.params.username.length > 128) return sendVaultValidation(reply, [{ loc: ['path', 'username'], msg: 'ensure this value has at most 128 characters', type: 'value_error.any_str.max_length' }]);
    try {
      return reply.send(toVaultUser(await users.getByUsername(tenant, request.params.username), tenant));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.put<{ Params: { user_id: string } }>('/tenants/:tenant_id/users/:user_id', { schema: { params: VaultUserParams, body: VaultUserInputSchema }, attachValidation: true }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    try {
      const body = request.body as VaultUserInput;
      if (body.user_id !== undefined && body.user_id !== request.params.user_id) {
        throw new ValidationFailed([problem('user_id', 'invalid', 'The user_id in the body must match the path.')]);
      }
      const user = await users.replace(tenant, request.params.user_id, toInput(body, tenant));
      return reply.send(toVaultUser(user, tenant));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.delete<{ Params: { user_id: string } }>('/tenants/:tenant_id/users/:user_id', { schema: { params: VaultUserParams }, attachValidation: true }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    try {
      await users.delete(tenant, request.params.user_id);
      return reply.code(204).send();
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.post('/tenants/:tenant_id/users/batch', { schema: batchShape, attachValidation: true, bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    const tenant = tenantOf(request);
    const items = (request.body as { users: unknown[] }).users;
    const inputs: UserInput[] = [];
    const failed: string[] = [];
    for (const item of items) {
      const name = typeof (item as { username?: unknown })?.username === 'string' ? (item as { username: string }).username : '';
      if (!validateBatchUser(item)) {
        failed.push(name);
        continue;
      }
      try {
        inputs.push(toInput(item, tenant));
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        failed.push(name);
      }
    }
    const result = await users.createMany(tenant, inputs);
    return reply.code(201).send({
      success_created_count: result.created,
      fail_create_usernames: [...failed, ...result.failedUsernames],
      duplicate_usernames: result.duplicateUsernames,
    });
  });

  app.post('/tenants/:tenant_id/users/batch-delete', { schema: { params: VaultTenantParams, body: VaultBatchDeleteSchema }, attachValidation: true, bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
    const details = validationDetails(request);
    if (details) return sendVaultValidation(reply, details);
    await users.deleteMany(tenantOf(request), (request.body as { users_ids: string[] }).users_ids);
    return reply.code(201).send(null);
  });
}
