/**
 * A tenant's users' sessions (tables sessions and session_grants); every statement names the
 * tenant. A session is opened once per provider session (a unique index on its uid), and the
 * grants recorded for it go with it (a cascading foreign key).
 */
import type { Selectable } from 'kysely';
import type { ClientAccess } from '../clientinfo/access.js';
import type { SessionsTable } from '../db/schema.js';
import type { DatabaseKind, EndedSession, SessionRecord, SessionRepository, SessionTouch } from './contract.js';
import type { Executor } from './executor.js';

const access = (text: string | null): ClientAccess | null => (text === null ? null : (JSON.parse(text) as ClientAccess));

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    engineUid: row.engine_uid,
    created: access(row.created)!,
    tokenIssue: access(row.token_issue),
    lastAccess: access(row.last_access),
    expiresAt: Number(row.expires_at),
  };
}

export class KyselySessionRepository implements SessionRepository {
  constructor(
    private readonly db: Executor,
    private readonly kind: DatabaseKind,
    private readonly tenantId: string,
  ) {}

  private live(now: number) {
    return this.db.selectFrom('sessions').selectAll().where('tenant_id', '=', this.tenantId).where('expires_at', '>', now);
  }

  async open(session: SessionRecord, grantIds: string[]): Promise<boolean> {
    const result = await this.db
      .insertInto('sessions')
      .values({
        tenant_id: this.tenantId,
        id: session.id,
        user_id: session.userId,
        engine_uid: session.engineUid,
        created_at: session.created.at,
        expires_at: session.expiresAt,
        created: JSON.stringify(session.created),
        token_issue: session.tokenIssue && JSON.stringify(session.tokenIssue),
        last_access: session.lastAccess && JSON.stringify(session.lastAccess),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'engine_uid']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    await this.addGrants(session.engineUid, grantIds);
    return true;
  }

  async findByEngineUid(engineUid: string, now: number): Promise<SessionRecord | undefined> {
    const row = await this.live(now).where('engine_uid', '=', engineUid).executeTakeFirst();
    return row && toRecord(row);
  }

  async listByUser(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = await this.live(now).where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toRecord);
  }

  async touch(engineUid: string, change: SessionTouch): Promise<boolean> {
    const set = {
      ...(change.tokenIssue ? { token_issue: JSON.stringify(change.tokenIssue) } : {}),
      ...(change.lastAccess ? { last_access: JSON.stringify(change.lastAccess) } : {}),
      ...(change.expiresAt !== undefined ? { expires_at: change.expiresAt } : {}),
    };
    let found: boolean;
    if (Object.keys(set).length) {
      const result = await this.db.updateTable('sessions').set(set).where('tenant_id', '=', this.tenantId).where('engine_uid', '=', engineUid).executeTakeFirst();
      found = Number(result.numUpdatedRows) === 1;
    } else {
      found = (await this.db.selectFrom('sessions').select('id').where('tenant_id', '=', this.tenantId).where('engine_uid', '=', engineUid).executeTakeFirst()) !== undefined;
    }
    if (found && change.grantIds?.length) await this.addGrants(engineUid, change.grantIds);
    return found;
  }

  /** One INSERT … SELECT per grant: nothing is written when the session is gone meanwhile. */
  private async addGrants(engineUid: string, grantIds: readonly string[]): Promise<void> {
    for (const grantId of new Set(grantIds)) {
      await this.db
        .insertInto('session_grants')
        .columns(['tenant_id', 'session_id', 'grant_id'])
        .expression((eb) =>
          eb
            .selectFrom('sessions')
            .select((s) => [s.val(this.tenantId).as('tenant_id'), 'id', s.val(grantId).as('grant_id')])
            .where('tenant_id', '=', this.tenantId)
            .where('engine_uid', '=', engineUid),
        )
        .onConflict((oc) => oc.columns(['tenant_id', 'session_id', 'grant_id']).doNothing())
        .execute();
    }
  }

  async end(userIds: string[], ids?: string[]): Promise<EndedSession[]> {
    if (userIds.length === 0 || ids?.length === 0) return [];
    let query = this.db.selectFrom('sessions').select(['id', 'user_id', 'engine_uid']).where('tenant_id', '=', this.tenantId).where('user_id', 'in', userIds);
    if (ids) query = query.where('id', 'in', ids);
    // Inside a transaction on PostgreSQL the rows stay locked until it ends: a grant recorded
    // meanwhile (its foreign key needs the row) waits, and is not left behind unrevoked.
    const rows = await (this.kind === 'postgres' ? query.forUpdate() : query).execute();
    if (rows.length === 0) return [];
    const sessionIds = rows.map((row) => row.id);
    const grants = await this.db.selectFrom('session_grants').select(['session_id', 'grant_id']).where('tenant_id', '=', this.tenantId).where('session_id', 'in', sessionIds).execute();
    await this.db.deleteFrom('sessions').where('tenant_id', '=', this.tenantId).where('id', 'in', sessionIds).execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      engineUid: row.engine_uid,
      grantIds: grants.filter((g) => g.session_id === row.id).map((g) => g.grant_id),
    }));
  }

  async forget(engineUid: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('tenant_id', '=', this.tenantId).where('engine_uid', '=', engineUid).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

/** Every tenant's expired sessions (background purge); their grants go with them. */
export async function purgeExpiredSessions(db: Executor, now: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
