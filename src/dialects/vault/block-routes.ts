/**
 * Vault blocked lists: GET /tenants/{tenant_id}/blocked-ips and /blocked-users
 * (`page` ≥ 0, `page_size` 1–500 default 100, `sort_direction` -1|1) → {data, has_next,
 * total_count}; DELETE …/blocked-ips/{ip} and …/blocked-users/{user_id} lift a block.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { BlockService } from '../../core/login/blocks.js';
import { isoInstant } from '../../util/instant.js';
import { tenantOf } from './context.js';
import { emptyResponse } from '../../http/operation.js';
import { BlockedIpPage, BlockedUserPage, vaultOperation } from './responses.js';
import { MAX_OFFSET, VaultBlockedIpParams, VaultTenantParams, VaultUserParams } from './user-schema.js';

const PageQuery = Type.Object({
  // page × page_size is an SQL offset: no page starts past MAX_OFFSET.
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET / 500 })),
  page_size: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 500 })),
  sort_direction: Type.Optional(Type.Integer({ enum: [-1, 1] })),
});
type PageQuery = Static<typeof PageQuery>;

function pageOf(query: PageQuery) {
  const limit = query.page_size ?? 100;
  return { offset: (query.page ?? 0) * limit, limit, direction: (query.sort_direction ?? -1) === 1 ? ('asc' as const) : ('desc' as const) };
}

const seconds = (block: { blockedAt: number; blockedUntil: number }) => Math.max(0, Math.round((block.blockedUntil - block.blockedAt) / 1000));

const TAG = 'Vault: Blocked lists';

/** Paths are under the Vault scope's prefix, /tenants. */
export function registerVaultBlockRoutes(app: FastifyInstance, deps: { blocks: BlockService }): void {
  const listOp = (summary: string, page: object) => vaultOperation({ summary, tag: TAG, params: VaultTenantParams, querystring: PageQuery, responses: { 200: page }, errors: [422] });

  app.get<{ Querystring: PageQuery }>('/:tenant_id/blocked-ips', { schema: listOp('List blocked IP addresses', BlockedIpPage) }, async (request, reply) => {
    const tenant = tenantOf(request);
    const page = pageOf(request.query);
    const { blocks, total } = await deps.blocks.blockedIps(tenant, page);
    return reply.send({
      data: blocks.map((b) => ({ ip: b.subject, tenant_id: tenant.slug, blocked_at: isoInstant(b.blockedAt), block_time_seconds: seconds(b) })),
      has_next: page.offset + blocks.length < total,
      total_count: total,
    });
  });

  app.get<{ Querystring: PageQuery }>('/:tenant_id/blocked-users', { schema: listOp('List blocked users', BlockedUserPage) }, async (request, reply) => {
    const tenant = tenantOf(request);
    const page = pageOf(request.query);
    const { blocks, total } = await deps.blocks.blockedUsers(tenant, page);
    return reply.send({
      data: blocks.map((b) => ({
        user_id: b.subject,
        username: b.user?.username ?? null,
        email: b.user?.email ?? null,
        tenant_id: tenant.slug,
        blocked_at: isoInstant(b.blockedAt),
        block_time_seconds: seconds(b),
      })),
      has_next: page.offset + blocks.length < total,
      total_count: total,
    });
  });

  const lifted = { 204: emptyResponse('The block is lifted') };
  app.delete<{ Params: { ip: string } }>('/:tenant_id/blocked-ips/:ip', { schema: vaultOperation({ summary: 'Lift the block on an IP address', tag: TAG, params: VaultBlockedIpParams, responses: lifted, errors: [422] }) }, async (request, reply) => {
    await deps.blocks.unblock(tenantOf(request), 'ip', request.params.ip);
    return reply.code(204).send();
  });

  app.delete<{ Params: { user_id: string } }>('/:tenant_id/blocked-users/:user_id', { schema: vaultOperation({ summary: 'Lift the block on a user', tag: TAG, params: VaultUserParams, responses: lifted, errors: [422] }) }, async (request, reply) => {
    await deps.blocks.unblock(tenantOf(request), 'user', request.params.user_id);
    return reply.code(204).send();
  });
}
