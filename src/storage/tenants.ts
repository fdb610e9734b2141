/** Tenant rows ⇄ core Tenant objects. No rules here: the service decides, this stores. */
import type { Selectable } from 'kysely';
import type { Tenant, TenantSettings } from '../core/domain.js';
import type { TenantsTable } from '../db/schema.js';
import type { DatabaseKind, TenantRepository } from './contract.js';
import { type Executor, uniquely } from './executor.js';

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    state: row.state as Tenant['state'],
    settings: JSON.parse(row.settings) as TenantSettings,
    insertInstant: Number(row.insert_instant),
    lastUpdateInstant: Number(row.last_update_instant),
    createdBy: row.created_by,
  };
}

const UNIQUE = { id: 'id', slug: 'slug', name: 'name' };

export class KyselyTenantRepository implements TenantRepository {
  constructor(
    private readonly db: Executor,
    private readonly kind: DatabaseKind,
  ) {}

  async find(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  async findForUpdate(id: string): Promise<Tenant | undefined> {
    let query = this.db.selectFrom('tenants').selectAll().where('id', '=', id);
    // SQLite serialises writers already; PostgreSQL needs the row lock.
    if (this.kind === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toTenant(row);
  }

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row && toTenant(row);
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    let query = this.db.selectFrom('tenants').select('id').where('name', '=', name);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    return Boolean(await query.executeTakeFirst());
  }

  async list(onlyIds?: string[]): Promise<Tenant[]> {
    let query = this.db.selectFrom('tenants').selectAll().orderBy('insert_instant').orderBy('id');
    if (onlyIds) {
      if (onlyIds.length === 0) return [];
      query = query.where('id', 'in', onlyIds);
    }
    return (await query.execute()).map(toTenant);
  }

  async listCreatedBy(accountId: string): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().where('created_by', '=', accountId).orderBy('insert_instant').orderBy('id').execute();
    return rows.map(toTenant);
  }

  async someIds(limit: number): Promise<string[]> {
    return (await this.db.selectFrom('tenants').select('id').limit(limit).execute()).map((r) => r.id);
  }

  async idsInState(state: Tenant['state']): Promise<string[]> {
    const rows = await this.db.selectFrom('tenants').select('id').where('state', '=', state).execute();
    return rows.map((r) => r.id);
  }

  async insert(tenant: Tenant): Promise<void> {
    await uniquely('tenant', UNIQUE, () =>
      this.db
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
          created_by: tenant.createdBy,
        })
        .execute(),
    );
  }

  async update(tenant: Tenant): Promise<void> {
    await uniquely('tenant', UNIQUE, () =>
      this.db
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
        .execute(),
    );
  }

  async setState(id: string, state: Tenant['state'], at: number): Promise<boolean> {
    const result = await this.db.updateTable('tenants').set({ state, last_update_instant: at }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async usingKey(keyId: string, exceptTenantId?: string): Promise<string[]> {
    let query = this.db
      .selectFrom('tenants')
      .select('id')
      .where((eb) => eb.or([eb('access_token_key_id', '=', keyId), eb('id_token_key_id', '=', keyId)]));
    if (exceptTenantId) query = query.where('id', '!=', exceptTenantId);
    return (await query.execute()).map((r) => r.id);
  }
}
