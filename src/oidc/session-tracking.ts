/**
 * Records users' sessions (src/core/sessions) from what a tenant's provider does, as Koa
 * middleware around the engine's routes (`provider.use`): the record is written before the
 * engine's answer leaves, so whoever got the answer sees the record.
 *
 * - a login (the `resume` route with a login result) opens a session for the engine's session
 *   uid — once: a re-authentication in the same browser session, or the consent step that
 *   follows the login, is a use of it;
 * - an authorization (or resume) in a signed-in engine session records the grants given in it
 *   and its new expiry (the engine saves its session again with the full TTL), and a
 *   successful one is a use (`last_access`);
 * - tokens issued at the token endpoint (code exchange, refresh) are `token_issue`, and a
 *   refresh is a use too; a userinfo call with a session's access token is a use;
 * - a logout that ends the engine's session forgets the record.
 *
 * A failure to record is logged and never fails the engine's request.
 */
import crypto from 'node:crypto';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ClientDescriber } from '../clientinfo/access.js';
import type { Tenant } from '../core/tenants/settings.js';
import type { SessionRepository, Storage } from '../storage/contract.js';
import { clientAddressOf } from './client-address.js';

export interface SessionTrackingDeps {
  storage: Storage;
  clientInfo: ClientDescriber;
  now: () => number;
  log?: { warn: (obj: unknown, msg: string) => void };
}

/** The engine's routes that start, use or end a session. */
const TRACKED = new Set(['authorization', 'resume', 'token', 'userinfo', 'end_session_confirm']);

/** The part of the engine's Session the tracking reads. */
interface EngineSession {
  uid: string;
  accountId?: string;
  destroyed?: boolean;
  authorizations?: Record<string, { grantId?: string }>;
}

/** A code or refresh token: the engine session it was issued in, and its grant. */
interface SessionBound {
  sessionUid?: string;
  grantId?: string;
}

const grantsOf = (session: EngineSession): string[] =>
  Object.values(session.authorizations ?? {}).flatMap((a) => (typeof a?.grantId === 'string' ? [a.grantId] : []));

export function trackSessions(provider: Provider, tenant: Tenant, deps: SessionTrackingDeps): void {
  const succeeded = new WeakSet<object>();
  provider.on('authorization.success', (ctx: object) => succeeded.add(ctx));
  const ttlMs = tenant.settings.tokens.sessionTtlSeconds * 1000;

  provider.use(async (ctx, next) => {
    await next();
    const route = (ctx as { _matchedRouteName?: string })._matchedRouteName;
    if (!route || !TRACKED.has(route)) return;
    try {
      await record(ctx as KoaContextWithOIDC, route);
    } catch (error) {
      deps.log?.warn({ err: error, tenantId: tenant.id, route }, 'recording a session failed');
    }
  });

  async function record(ctx: KoaContextWithOIDC, route: string): Promise<void> {
    const sessions: SessionRepository = deps.storage.forTenant(tenant.id).sessions;
    const now = deps.now();
    const client = () => deps.clientInfo.describe(now, clientAddressOf(ctx.req), ctx.get('user-agent') || null);
    const oidc = ctx.oidc;
    switch (route) {
      case 'authorization':
      case 'resume': {
        const session = oidc.session as unknown as EngineSession | undefined;
        if (!session?.accountId || session.destroyed) return;
        const expiresAt = now + ttlMs;
        const grantIds = grantsOf(session);
        const login = route === 'resume' ? (oidc.result as { login?: { accountId?: string } } | undefined)?.login : undefined;
        if (login?.accountId === session.accountId) {
          const access = client();
          const opened = await sessions.open(
            { id: crypto.randomUUID(), tenantId: tenant.id, userId: session.accountId, engineUid: session.uid, created: access, tokenIssue: null, lastAccess: access, expiresAt },
            grantIds,
          );
          if (!opened) await sessions.touch(session.uid, { lastAccess: access, expiresAt, grantIds });
          return;
        }
        await sessions.touch(session.uid, { ...(succeeded.has(ctx) ? { lastAccess: client() } : {}), expiresAt, grantIds });
        return;
      }
      case 'token': {
        if (ctx.status !== 200) return;
        const entities = oidc.entities as { AuthorizationCode?: SessionBound; RefreshToken?: SessionBound };
        const source = entities.AuthorizationCode ?? entities.RefreshToken;
        if (!source?.sessionUid) return;
        const access = client();
        const refresh = !entities.AuthorizationCode;
        await sessions.touch(source.sessionUid, { tokenIssue: access, ...(refresh ? { lastAccess: access } : {}), ...(source.grantId ? { grantIds: [source.grantId] } : {}) });
        return;
      }
      case 'userinfo': {
        const token = (oidc.entities as { AccessToken?: SessionBound }).AccessToken;
        if (ctx.status !== 200 || !token?.sessionUid) return;
        await sessions.touch(token.sessionUid, { lastAccess: client() });
        return;
      }
      case 'end_session_confirm': {
        const session = oidc.session as unknown as EngineSession | undefined;
        if (session?.destroyed) await sessions.forget(session.uid);
        return;
      }
    }
  }
}
