/** API-key rows: the value itself is never stored, only its SHA-256. */
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../db/schema.js';
import type { ApiKeyRecord, ApiKeyRepository } from './contract.js';
import { type Executor, uniquely } from './executor.js';

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    keyHash: row.key_hash,
    permissions: JSON.parse(row.permissions) as ApiKeyRecord['permissions'],
    metaData: JSON.parse(row.meta_data) as ApiKeyRecord['metaData'],
    keyManager: Boolean(row.key_manager),
    ownerId: row.owner_id,
    insertInstant: Number(row.insert_instant),
    lastUpdateInstant: Number(row.last_update_instant),
  };
}

export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Executor) {}

  async find(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('insert_instant').orderBy('id').execute()).map(toRecord);
  }

  async insert(key: ApiKeyRecord): Promise<void> {
    await uniquely('API key', { id: 'id', key_hash: 'key' }, () =>
      this.db
        .insertInto('api_keys')
        .values({
          id: key.id,
          tenant_id: key.tenantId,
          key_hash: key.keyHash,
          permissions: JSON.stringify(key.permissions),
          meta_data: JSON.stringify(key.metaData),
          key_manager: key.keyManager ? 1 : 0,
          owner_id: key.ownerId,
          insert_instant: key.insertInstant,
          last_update_instant: key.lastUpdateInstant,
        })
        .execute(),
    );
  }

  async update(key: ApiKeyRecord): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ permissions: JSON.stringify(key.permissions), meta_data: JSON.stringify(key.metaData), tenant_id: key.tenantId, key_manager: key.keyManager ? 1 : 0, last_update_instant: key.lastUpdateInstant })
      .where('id', '=', key.id)
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteLockedTo(tenantId: string): Promise<number> {
    const result = await this.db.deleteFrom('api_keys').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
