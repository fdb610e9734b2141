/** One-time ids (change-password, email verification), stored by the hash of their value. */
import type { OneTimeIdLookup, OneTimeIdRepository, PendingOneTimeId } from './contract.js';
import type { Executor } from './executor.js';

/** Global: an id is found by its hash, which only the holder of the id can produce. */
export class KyselyOneTimeIdLookup implements OneTimeIdLookup {
  constructor(private readonly db: Executor) {}

  async peek(idHash: string, purpose: string, now: number): Promise<PendingOneTimeId | undefined> {
    const row = await this.db
      .selectFrom('one_time_ids')
      .selectAll()
      .where('id_hash', '=', idHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && { tenantId: row.tenant_id, userId: row.user_id, purpose: row.purpose, expiresAt: Number(row.expires_at) };
  }

  async consume(idHash: string, purpose: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('one_time_ids')
      .set({ consumed_at: now })
      .where('id_hash', '=', idHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

export class KyselyOneTimeIdRepository implements OneTimeIdRepository {
  constructor(
    private readonly db: Executor,
    private readonly tenantId: string,
  ) {}

  async insert(idHash: string, userId: string, purpose: string, expiresAt: number, now: number): Promise<void> {
    await this.db
      .insertInto('one_time_ids')
      .values({ id_hash: idHash, tenant_id: this.tenantId, user_id: userId, purpose, created_at: now, expires_at: expiresAt, consumed_at: null })
      .execute();
  }

  async revokeAll(userId: string, purpose: string, now: number): Promise<void> {
    await this.db
      .updateTable('one_time_ids')
      .set({ consumed_at: now })
      .where('tenant_id', '=', this.tenantId)
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .execute();
  }
}
