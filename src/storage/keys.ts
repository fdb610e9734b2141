/** Signing-key rows. The secret column is ciphertext; the service seals and opens it. */
import type { Selectable } from 'kysely';
import type { KeysTable } from '../db/schema.js';
import type { Executor } from './executor.js';

export type KeyRow = Selectable<KeysTable>;

export const keyStore = {
  async find(db: Executor, id: string): Promise<KeyRow | undefined> {
    return db.selectFrom('keys').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async findMany(db: Executor, ids: string[]): Promise<KeyRow[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('keys').selectAll().where('id', 'in', ids).execute();
  },

  /** Global keys and, when given, one tenant's keys; `undefined` lists all. */
  async list(db: Executor, tenantId?: string): Promise<KeyRow[]> {
    let query = db.selectFrom('keys').selectAll().orderBy('insert_instant').orderBy('id');
    if (tenantId !== undefined) query = query.where((eb) => eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', tenantId)]));
    return query.execute();
  },

  async insert(db: Executor, row: KeyRow): Promise<void> {
    await db.insertInto('keys').values(row).execute();
  },

  async delete(db: Executor, id: string): Promise<boolean> {
    const result = await db.deleteFrom('keys').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  /** Make a tenant's keys global (used when another tenant still signs with them). */
  async release(db: Executor, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('keys').set({ tenant_id: null }).where('id', 'in', ids).execute();
  },

  async idsOwnedBy(db: Executor, tenantId: string): Promise<string[]> {
    const rows = await db.selectFrom('keys').select('id').where('tenant_id', '=', tenantId).execute();
    return rows.map((r) => r.id);
  },
};
