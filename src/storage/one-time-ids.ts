import type { Executor } from './executor.js';

export interface OneTimeIdRow {
  tenantId: string;
  userId: string;
  purpose: string;
  expiresAt: number;
}

export const oneTimeIdStore = {
  async insert(db: Executor, idHash: string, row: OneTimeIdRow, now: number): Promise<void> {
    await db
      .insertInto('one_time_ids')
      .values({ id_hash: idHash, tenant_id: row.tenantId, user_id: row.userId, purpose: row.purpose, created_at: now, expires_at: row.expiresAt, consumed_at: null })
      .execute();
  },

  /** A live (unconsumed, unexpired) id of this purpose, without using it up. */
  async peek(db: Executor, idHash: string, purpose: string, now: number): Promise<OneTimeIdRow | undefined> {
    const row = await db
      .selectFrom('one_time_ids')
      .selectAll()
      .where('id_hash', '=', idHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && { tenantId: row.tenant_id, userId: row.user_id, purpose: row.purpose, expiresAt: Number(row.expires_at) };
  },

  /** Uses the id up: exactly one caller gets true, however many race. */
  async consume(db: Executor, idHash: string, purpose: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('one_time_ids')
      .set({ consumed_at: now })
      .where('id_hash', '=', idHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Older ids of this purpose stop working when a new one is issued or the purpose is fulfilled. */
  async revokeAll(db: Executor, userId: string, purpose: string, now: number): Promise<void> {
    await db.updateTable('one_time_ids').set({ consumed_at: now }).where('user_id', '=', userId).where('purpose', '=', purpose).where('consumed_at', 'is', null).execute();
  },
};
