import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../db/schema.js';
import type { Executor } from './executor.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export const apiKeyStore = {
  async find(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
    return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Lookup by hash: the index does the comparison, so no secret is compared byte by byte in JS. */
  async findByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
    return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  },

  async list(db: Executor, tenantId?: string): Promise<ApiKeyRow[]> {
    let query = db.selectFrom('api_keys').selectAll().orderBy('insert_instant').orderBy('id');
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    return query.execute();
  },

  async insert(db: Executor, row: ApiKeyRow): Promise<void> {
    await db.insertInto('api_keys').values(row).execute();
  },

  async update(db: Executor, row: ApiKeyRow): Promise<void> {
    await db
      .updateTable('api_keys')
      .set({ permissions: row.permissions, meta_data: row.meta_data, tenant_id: row.tenant_id, key_manager: row.key_manager, last_update_instant: row.last_update_instant })
      .where('id', '=', row.id)
      .execute();
  },

  async delete(db: Executor, id: string): Promise<boolean> {
    const result = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
};
