/**
 * Vault user API under /tenants/{tenant_id}/users: list (filters, paging, sorting), get by id
 * or username, create, replace, delete, batch create and batch delete.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ValidationFailed, problem } from '../../core/errors.js';
import type { Tenant } from '../../core/tenants/settings.js';
import type { User, UserSortField } from '../../core/users/user.js';
import type { UserInput, UserService } from '../../core/users/user-service.js';
import { compile } from '../../http/ajv.js';
import { isoInstant } from '../../util/instant.js';
import { tenantOf } from './context.js';
import { emptyResponse } from '../../http/operation.js';
import { VaultBatchResult, VaultUser, VaultUserPage, vaultOperation } from './responses.js';
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
const BatchCreateSchema = Type.Object(
  { users: Type.Array(Type.Object({}, { additionalProperties: true, description: 'A user as for POST …/users' }), { maxItems: 10000 }) },
  { $id: 'VaultBatchCreateUsers' },
);

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
const errorFields = (field: string) => ({ externalId: 'external_id' })[field] ?? field;

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

const TAG = 'Vault: Users';

/** Paths are under the Vault scope's prefix, /tenants. */
export function registerVaultUserRoutes(app: FastifyInstance, deps: { users: UserService }): void {
  const { users } = deps;
  const validateBatchUser = compile<VaultUserInput>(VaultUserInputSchema);
  const config = { errorFields };

  const listOp = { summary: 'List users: filter by username or email prefix, page and sort', tag: TAG, params: VaultTenantParams, querystring: VaultUserListQuerySchema, responses: { 200: VaultUserPage }, errors: [422] };
  app.get<{ Querystring: VaultUserListQuery }>('/:tenant_id/users', { config, schema: vaultOperation(listOp) }, async (request, reply) => {
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

  const createOp = {
    summary: "Create a user, with a password (checked against the tenant's rules) or an imported hash",
    tag: TAG,
    params: VaultTenantParams,
    body: VaultUserInputSchema,
    responses: { 201: Type.Object(VaultUser.properties, { additionalProperties: true, description: 'Created' }) },
    errors: [422],
  };
  app.post('/:tenant_id/users', { config, schema: vaultOperation(createOp) }, async (request, reply) => {
    const tenant = tenantOf(request);
    const user = await users.create(tenant, toInput(request.body as VaultUserInput, tenant));
    return reply.code(201).send(toVaultUser(user, tenant));
  });

  app.get<{ Params: { user_id: string } }>(
    '/:tenant_id/users/:user_id',
    { config, schema: vaultOperation({ summary: 'Retrieve a user by id', tag: TAG, params: VaultUserParams, responses: { 200: VaultUser } }) },
    async (request, reply) => {
      const tenant = tenantOf(request);
      return reply.send(toVaultUser(await users.get(tenant, request.params.user_id), tenant));
    },
  );

  const byUsernameOp = {
    summary: 'Retrieve a user by username',
    tag: TAG,
    params: VaultUsernameParams,
    responses: { 200: VaultUser },
    errors: [422],
  };
  app.get<{ Params: { username: string } }>('/:tenant_id/users/by-username/:username', { config, schema: vaultOperation(byUsernameOp) }, async (request, reply) => {
    const tenant = tenantOf(request);
    return reply.send(toVaultUser(await users.getByUsername(tenant, request.params.username), tenant));
  });

  const replaceOp = { summary: 'Replace a user (the password changes only when one is given)', tag: TAG, params: VaultUserParams, body: VaultUserInputSchema, responses: { 200: VaultUser }, errors: [422] };
  app.put<{ Params: { user_id: string } }>('/:tenant_id/users/:user_id', { config, schema: vaultOperation(replaceOp) }, async (request, reply) => {
    const tenant = tenantOf(request);
    const body = request.body as VaultUserInput;
    if (body.user_id !== undefined && body.user_id !== request.params.user_id) {
      throw new ValidationFailed([problem('user_id', 'invalid', 'The user_id in the body must match the path.')]);
    }
    const user = await users.replace(tenant, request.params.user_id, toInput(body, tenant));
    return reply.send(toVaultUser(user, tenant));
  });

  app.delete<{ Params: { user_id: string } }>(
    '/:tenant_id/users/:user_id',
    { config, schema: vaultOperation({ summary: 'Delete a user', tag: TAG, params: VaultUserParams, responses: { 204: emptyResponse('Deleted') } }) },
    async (request, reply) => {
      await users.delete(tenantOf(request), request.params.user_id);
      return reply.code(204).send();
    },
  );

  const batchOp = {
    summary: "Create up to 10,000 users in one transaction; a refused user fails alone, a batch past the plan's max_users is refused whole (403)",
    tag: TAG,
    params: VaultTenantParams,
    body: BatchCreateSchema,
    responses: { 201: VaultBatchResult },
    errors: [422],
  };
  app.post('/:tenant_id/users/batch', { config, schema: vaultOperation(batchOp), bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
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
        // A refused item is reported in the result, not as the request's error.
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

  const batchDeleteOp = { summary: 'Delete users by id', tag: TAG, params: VaultTenantParams, body: VaultBatchDeleteSchema, responses: { 201: emptyResponse('Deleted (the body is JSON null)') }, errors: [422] };
  app.post('/:tenant_id/users/batch-delete', { config, schema: vaultOperation(batchDeleteOp), bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
    await users.deleteMany(tenantOf(request), (request.body as { users_ids: string[] }).users_ids);
    return reply.code(201).send(null);
  });
}
