/**
 * The OpenID Provider's artefacts of one tenant (table oidc_models). Rows past `expires_at`
 * are never returned; `consume` is one conditional update, so a code is spent once.
 */
import type { Selectable } from 'kysely';
import type { OidcModelsTable } from '../db/schema.js';
import type { OidcArtefact, OidcModelRepository } from './contract.js';
import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';

function toArtefact(row: Pick<Selectable<OidcModelsTable>, 'payload' | 'consumed_at'>): OidcArtefact {
  return { payload: JSON.parse(row.payload) as Record<string, unknown>, consumedAt: row.consumed_at === null ? null : Number(row.consumed_at) };
}

type Key = { tenantId: string; model: string };
type Row = Pick<Selectable<OidcModelsTable>, 'payload' | 'consumed_at'>;

// The provider's hot path (every token request, introspection and userinfo reads or writes
// here): built once, then only run (./prepared.ts).
const liveBy = (column: 'id' | 'uid' | 'user_code') =>
  preparedQuery<Key & { value: string; now: number }, Row>(['tenantId', 'model', 'value', 'now'], (db, p) =>
    db
      .selectFrom('oidc_models')
      .select(['payload', 'consumed_at'])
      .where('tenant_id', '=', p.tenantId)
      .where('model', '=', p.model)
      .where(column, '=', p.value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p.now)]))
      .limit(1),
  );
const liveById = liveBy('id');
const liveByUid = liveBy('uid');
const liveByUserCode = liveBy('user_code');

type Upsert = Key & { id: string; payload: string; grantId: string | null; accountId: string | null; uid: string | null; userCode: string | null; expiresAt: number | null };
const upsertArtefact = preparedQuery<Upsert, never>(['tenantId', 'model', 'id', 'payload', 'grantId', 'accountId', 'uid', 'userCode', 'expiresAt'], (db, p) => {
  const values = { payload: p.payload, grant_id: p.grantId, account_id: p.accountId, uid: p.uid, user_code: p.userCode, expires_at: p.expiresAt };
  return db
    .insertInto('oidc_models')
    .values({ tenant_id: p.tenantId, model: p.model, id: p.id, consumed_at: null, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'model', 'id']).doUpdateSet(values));
});

const consumeArtefact = preparedQuery<Key & { id: string; at: number }, never>(['tenantId', 'model', 'id', 'at'], (db, p) =>
  db.updateTable('oidc_models').set({ consumed_at: p.at }).where('tenant_id', '=', p.tenantId).where('model', '=', p.model).where('id', '=', p.id).where('consumed_at', 'is', null),
);

/** oidc-provider's model names for a browser session and for a grant (its jti is the grant id). */
const ENGINE_SESSION = 'Session';
const ENGINE_GRANT = 'Grant';

export class KyselyOidcModelRepository implements OidcModelRepository {
  constructor(
    private readonly db: Executor,
    private readonly tenantId: string,
  ) {}

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null, refs: { grantId?: string; accountId?: string; uid?: string; userCode?: string }): Promise<void> {
    await upsertArtefact(this.db, {
      tenantId: this.tenantId,
      model,
      id,
      payload: JSON.stringify(payload),
      grantId: refs.grantId ?? null,
      accountId: refs.accountId ?? null,
      uid: refs.uid ?? null,
      userCode: refs.userCode ?? null,
      expiresAt,
    });
  }

  async find(model: string, id: string, now: number): Promise<OidcArtefact | undefined> {
    const row = (await liveById(this.db, { tenantId: this.tenantId, model, value: id, now })).rows[0];
    return row && toArtefact(row);
  }

  async findByUid(model: string, uid: string, now: number): Promise<OidcArtefact | undefined> {
    const row = (await liveByUid(this.db, { tenantId: this.tenantId, model, value: uid, now })).rows[0];
    return row && toArtefact(row);
  }

  async findByUserCode(model: string, userCode: string, now: number): Promise<OidcArtefact | undefined> {
    const row = (await liveByUserCode(this.db, { tenantId: this.tenantId, model, value: userCode, now })).rows[0];
    return row && toArtefact(row);
  }

  async consume(model: string, id: string, at: number): Promise<boolean> {
    const result = await consumeArtefact(this.db, { tenantId: this.tenantId, model, id, at });
    return Number(result.numAffectedRows) === 1;
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.db.deleteFrom('oidc_models').where('tenant_id', '=', this.tenantId).where('model', '=', model).where('id', '=', id).execute();
  }

  async revokeByAccount(accountId: string, models: readonly string[]): Promise<number> {
    if (models.length === 0) return 0;
    const result = await this.db
      .deleteFrom('oidc_models')
      .where('tenant_id', '=', this.tenantId)
      .where('account_id', '=', accountId)
      .where('model', 'in', [...models])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async endSession(sessionUid: string, grantIds: readonly string[]): Promise<number> {
    const scoped = () => this.db.deleteFrom('oidc_models').where('tenant_id', '=', this.tenantId);
    let removed = Number((await scoped().where('model', '=', ENGINE_SESSION).where('uid', '=', sessionUid).executeTakeFirst()).numDeletedRows);
    if (grantIds.length) {
      const grants = [...grantIds];
      removed += Number((await scoped().where('grant_id', 'in', grants).executeTakeFirst()).numDeletedRows);
      removed += Number((await scoped().where('model', '=', ENGINE_GRANT).where('id', 'in', grants).executeTakeFirst()).numDeletedRows);
    }
    return removed;
  }

  async revokeByGrantId(grantId: string): Promise<number> {
    const result = await this.db.deleteFrom('oidc_models').where('tenant_id', '=', this.tenantId).where('grant_id', '=', grantId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Every tenant's expired artefacts (background purge). */
export async function purgeExpiredOidc(db: Executor, now: number): Promise<number> {
  const result = await db.deleteFrom('oidc_models').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The tenants holding a live-or-not artefact of this model with this id (the id is the holder's secret). */
export async function tenantsHoldingOidc(db: Executor, model: string, id: string): Promise<string[]> {
  const rows = await db.selectFrom('oidc_models').select('tenant_id').where('model', '=', model).where('id', '=', id).limit(2).execute();
  return rows.map((row) => row.tenant_id);
}
