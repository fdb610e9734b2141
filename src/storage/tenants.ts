/** Tenant rows ⇄ core Tenant objects. No rules here: the service decides, this stores. */
import type { Selectable } from 'kysely';
import type { TenantsTable } from '../db/schema.js';
import type { Tenant, TenantSettings } from '../core/tenants/settings.js';
import type { Executor } from './executor.js';

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    state: row.state as Tenant['state'],
    settings: JSON.parse(row.settings) as TenantSettings,
    insertInstant: Number(row.insert_instant),
    lastUpdateInstant: Number(row.last_update_instant),
  };
}

export const tenantStore = {
  async find(db: Executor, id: string): Promise<Tenant | undefined> {
    const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  },

  async findBySlug(db: Executor, slug: string): Promise<Tenant | undefined> {
    const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row && toTenant(row);
  },

  async list(db: Executor, onlyIds?: string[]): Promise<Tenant[]> {
    let query = db.selectFrom('tenants').selectAll().orderBy('insert_instant').orderBy('id');
    if (onlyIds) {
      if (onlyIds.length === 0) return [];
      query = query.where('id', 'in', onlyIds);
    }
    return (await query.execute()).map(toTenant);
  },

  /** Up to `limit` tenant ids (cheap: no settings are read). */
  async someIds(db: Executor, limit: number): Promise<string[]> {
    return (await db.selectFrom('tenants').select('id').limit(limit).execute()).map((r) => r.id);
  },

  async listIdsInState(db: Executor, state: Tenant['state']): Promise<string[]> {
    const rows = await db.selectFrom('tenants').select('id').where('state', '=', state).execute();
    return rows.map((r) => r.id);
  },

  async insert(db: Executor, tenant: Tenant): Promise<void> {
    await db
      .insertInto('tenants')
      .values({
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        state: tenant.state,
        settings: JSON.stringify(tenant.settings),
        access_token_key_id: tenant.settings.tokens.accessTokenKeyId,
        id_token_key_id: tenant.settings.tokens.idTokenKeyId,
        insert_instant: tenant.insertInstant,
        last_update_instant: tenant.lastUpdateInstant,
      })
      .execute();
  },

  async update(db: Executor, tenant: Tenant): Promise<void> {
    await db
      .updateTable('tenants')
      .set({
        name: tenant.name,
        state: tenant.state,
        settings: JSON.stringify(tenant.settings),
        access_token_key_id: tenant.settings.tokens.accessTokenKeyId,
        id_token_key_id: tenant.settings.tokens.idTokenKeyId,
        last_update_instant: tenant.lastUpdateInstant,
      })
      .where('id', '=', tenant.id)
      .execute();
  },

  async setState(db: Executor, id: string, state: Tenant['state'], at: number): Promise<boolean> {
    const result = await db.updateTable('tenants').set({ state, last_update_instant: at }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  async delete(db: Executor, id: string): Promise<boolean> {
    const result = await db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  /** Ids of tenants (other than `exceptTenantId`) whose settings name `keyId` as a signing key. */
  async tenantsUsingKey(db: Executor, keyId: string, exceptTenantId?: string): Promise<string[]> {
    let query = db
      .selectFrom('tenants')
      .select('id')
      .where((eb) => eb.or([eb('access_token_key_id', '=', keyId), eb('id_token_key_id', '=', keyId)]));
    if (exceptTenantId) query = query.where('id', '!=', exceptTenantId);
    return (await query.execute()).map((r) => r.id);
  },
};
