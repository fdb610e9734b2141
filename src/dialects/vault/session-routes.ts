/**
 * The Vault's sessions (seed 004): a user's sign-in sessions, each `{session_id, user_id,
 * tenant_id, created, token_issue, last_access, expires_at}`.
 * - `GET /tenants/{tenant_id}/users/{user_id}/sessions` (API key) → `{sessions, total}`;
 *   `DELETE …/sessions/{session_id}` and `DELETE …/sessions` end one or all (204).
 * - `GET /sessions`, `DELETE /sessions/{session_id}`, `DELETE /sessions`: the same for the
 *   user whose access token (from the tenant's provider) is the `Authorization: Bearer` value.
 * Ending a session ends the provider's session and revokes the grants and tokens made in it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ClientAccess } from '../../clientinfo/access.js';
import type { SessionService } from '../../core/sessions/session-service.js';
import type { Tenant } from '../../core/tenants/settings.js';
import { Unauthenticated } from '../../http/failure.js';
import { emptyResponse } from '../../http/operation.js';
import type { SessionRecord } from '../../storage/contract.js';
import { isoInstant } from '../../util/instant.js';
import { tenantOf } from './context.js';
import { VaultSessionList, vaultOperation } from './responses.js';
import { VaultUserParams } from './user-schema.js';

/** The owner of the user access token a `/sessions` request presents (src/oidc/user-token.ts). */
export interface SessionOwner {
  tenant: Tenant;
  userId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    sessionOwner?: SessionOwner;
  }
}

const SessionId = Type.String({ minLength: 36, maxLength: 36, pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const UserSessionParams = Type.Object({ ...VaultUserParams.properties, session_id: SessionId });
const OwnSessionParams = Type.Object({ session_id: SessionId });

function toVaultAccess(access: ClientAccess): Record<string, unknown> {
  const p = access.userAgentParsed;
  return {
    at: isoInstant(access.at),
    ip: access.ip,
    country: access.country,
    user_agent: access.userAgent,
    user_agent_parsed: {
      browser: { family: p.browser.family, version: p.browser.version },
      os: { family: p.os.family, version: p.os.version },
      device: { family: p.device.family, brand: p.device.brand, model: p.device.model },
      is_mobile: p.isMobile,
      is_tablet: p.isTablet,
      is_pc: p.isPc,
      is_bot: p.isBot,
    },
  };
}

export function toVaultSession(session: SessionRecord, tenant: Tenant): Record<string, unknown> {
  return {
    session_id: session.id,
    user_id: session.userId,
    tenant_id: tenant.slug,
    created: toVaultAccess(session.created),
    expires_at: isoInstant(session.expiresAt),
    token_issue: session.tokenIssue && toVaultAccess(session.tokenIssue),
    last_access: session.lastAccess && toVaultAccess(session.lastAccess),
  };
}

const list = (sessions: SessionRecord[], tenant: Tenant) => ({ sessions: sessions.map((s) => toVaultSession(s, tenant)), total: sessions.length });

const TAG = 'Vault: Sessions';
const ended = (what: string) => ({ 204: emptyResponse(what) });

/** Admin routes, under the Vault scope's prefix (/tenants) and its API-key hook. */
export function registerVaultUserSessionRoutes(app: FastifyInstance, deps: { sessions: SessionService }): void {
  app.get<{ Params: { user_id: string } }>(
    '/:tenant_id/users/:user_id/sessions',
    { schema: vaultOperation({ summary: "List a user's live sessions, newest first", tag: TAG, params: VaultUserParams, responses: { 200: VaultSessionList }, errors: [422] }) },
    async (request, reply) => {
      const tenant = tenantOf(request);
      return reply.send(list(await deps.sessions.list(tenant, request.params.user_id), tenant));
    },
  );

  app.delete<{ Params: { user_id: string; session_id: string } }>(
    '/:tenant_id/users/:user_id/sessions/:session_id',
    { schema: vaultOperation({ summary: "End one of a user's sessions: its tokens and grants are revoked", tag: TAG, params: UserSessionParams, responses: ended('Ended'), errors: [422] }) },
    async (request, reply) => {
      await deps.sessions.end(tenantOf(request), request.params.user_id, request.params.session_id.toLowerCase());
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { user_id: string } }>(
    '/:tenant_id/users/:user_id/sessions',
    { schema: vaultOperation({ summary: "End all of a user's sessions: their tokens and grants are revoked", tag: TAG, params: VaultUserParams, responses: ended('All ended'), errors: [422] }) },
    async (request, reply) => {
      await deps.sessions.endAllOf(tenantOf(request), request.params.user_id);
      return reply.code(204).send();
    },
  );
}

/** The bearer value of `Authorization`, or undefined. */
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

/** The user's own routes, in their own scope (prefix /sessions): the credential is a user access token. */
export function registerVaultOwnSessionRoutes(app: FastifyInstance, deps: { sessions: SessionService; userTokens: (token: string) => Promise<SessionOwner | undefined> }): void {
  app.addHook('onRequest', async (request) => {
    const token = bearerOf(request);
    const owner = token ? await deps.userTokens(token) : undefined;
    if (!owner) throw new Unauthenticated();
    request.sessionOwner = owner;
  });
  const ownerOf = (request: FastifyRequest): SessionOwner => {
    if (!request.sessionOwner) throw new Error('/sessions route reached without a session owner');
    return request.sessionOwner;
  };
  /** A user access token, not an API key: the document names its own scheme. */
  const userOperation = (op: Parameters<typeof vaultOperation>[0]) => ({ ...vaultOperation({ ...op, anonymous: true, errors: [401, ...(op.errors ?? [])] }), security: [{ userAccessToken: [] }] });

  app.get('', { schema: userOperation({ summary: 'List your own live sessions (the credential is your access token), newest first', tag: TAG, responses: { 200: VaultSessionList } }) }, async (request, reply) => {
    const { tenant, userId } = ownerOf(request);
    return reply.send(list(await deps.sessions.list(tenant, userId), tenant));
  });

  app.delete<{ Params: { session_id: string } }>(
    '/:session_id',
    { schema: userOperation({ summary: 'End one of your own sessions: its tokens and grants are revoked', tag: TAG, params: OwnSessionParams, responses: ended('Ended'), errors: [422] }) },
    async (request, reply) => {
      const { tenant, userId } = ownerOf(request);
      await deps.sessions.end(tenant, userId, request.params.session_id.toLowerCase());
      return reply.code(204).send();
    },
  );

  app.delete('', { schema: userOperation({ summary: 'End all your own sessions, this one included', tag: TAG, responses: ended('All ended') }) }, async (request, reply) => {
    const { tenant, userId } = ownerOf(request);
    await deps.sessions.endAllOf(tenant, userId);
    return reply.code(204).send();
  });
}
