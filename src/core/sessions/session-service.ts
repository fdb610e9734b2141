/**
 * Users' sign-in sessions: listed for the user (or an administrator) and ended by them. Ending a
 * session ends what the tenant's OpenID Provider made in it — its own session, the grants given
 * in it and every code, access and refresh token issued under those — in one transaction.
 * Disabling, deleting or locking a user ends all their sessions (`endSessionsOnSignals`).
 *
 * The sessions are recorded by the provider's side (src/oidc/session-tracking.ts).
 */
import type { EndedSession, SessionRecord, Storage } from '../../storage/contract.js';
import { NotFound } from '../errors.js';
import type { Signals } from '../events/signals.js';
import type { Tenant } from '../tenants/settings.js';
import type { UserService } from '../users/user-service.js';

export class SessionService {
  constructor(private readonly deps: { storage: Storage; users: UserService; now: () => number }) {}

  /** The user's live sessions, newest first; NotFound('user') for a user the tenant does not have. */
  async list(tenant: Tenant, userId: string): Promise<SessionRecord[]> {
    await this.deps.users.get(tenant, userId);
    return this.deps.storage.forTenant(tenant.id).sessions.listByUser(userId, this.deps.now());
  }

  /** Ends one of the user's sessions; NotFound('user') or NotFound('session') when there is none. */
  async end(tenant: Tenant, userId: string, sessionId: string): Promise<void> {
    await this.deps.users.get(tenant, userId);
    const ended = await this.endWhere(tenant, [userId], [sessionId]);
    if (ended === 0) throw new NotFound('session');
  }

  /** Ends every session of the user; NotFound('user') for an unknown user. */
  async endAllOf(tenant: Tenant, userId: string): Promise<number> {
    await this.deps.users.get(tenant, userId);
    return this.endWhere(tenant, [userId]);
  }

  /** Ends every session of these users, whether they still exist or not. */
  endAllOfUsers(tenant: Tenant, userIds: string[]): Promise<number> {
    return this.endWhere(tenant, userIds);
  }

  private endWhere(tenant: Tenant, userIds: string[], ids?: string[]): Promise<number> {
    return this.deps.storage.transaction(async (tx) => {
      const scoped = tx.forTenant(tenant.id);
      const ended: EndedSession[] = await scoped.sessions.end(userIds, ids);
      for (const session of ended) await scoped.oidc.endSession(session.engineUid, session.grantIds);
      return ended.length;
    });
  }
}

/** A user who can no longer sign in has no sessions either: disabled, deleted or locked out. */
export function endSessionsOnSignals(signals: Signals, sessions: SessionService): void {
  signals.on('user.disabled', ({ tenant, user }) => sessions.endAllOfUsers(tenant, [user.id]));
  signals.on('user.locked', ({ tenant, userId }) => sessions.endAllOfUsers(tenant, [userId]));
  signals.on('user.deleted', ({ tenant, userIds }) => sessions.endAllOfUsers(tenant, userIds));
}
