/** Signing-key rows. The secret column is ciphertext; the key service seals and opens it. */
import type { Selectable } from 'kysely';
import type { KeysTable } from '../db/schema.js';
import type { KeyRecord, KeyRepository, KeystoreMove, KeystoreState } from './contract.js';
import { type Executor, uniquely } from './executor.js';

function toRecord(row: Selectable<KeysTable>): KeyRecord {
  const instant = (value: number | null) => (value === null ? null : Number(value));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    algorithm: row.algorithm,
    type: row.type,
    kid: row.kid,
    length: row.length,
    issuer: row.issuer,
    publicKey: row.public_key,
    certificate: row.certificate,
    publicJwk: row.public_jwk ? (JSON.parse(row.public_jwk) as Record<string, unknown>) : null,
    secretEncrypted: row.secret_encrypted,
    insertInstant: Number(row.insert_instant),
    expirationInstant: instant(row.expiration_instant),
    rotatedInstant: instant(row.rotated_instant),
    revokedInstant: instant(row.revoked_instant),
    keystoreState: row.keystore_state as KeystoreState | null,
  };
}

function toRow(key: KeyRecord): Selectable<KeysTable> {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    name: key.name,
    algorithm: key.algorithm,
    type: key.type,
    kid: key.kid,
    length: key.length,
    issuer: key.issuer,
    public_key: key.publicKey,
    certificate: key.certificate,
    public_jwk: key.publicJwk ? JSON.stringify(key.publicJwk) : null,
    secret_encrypted: key.secretEncrypted,
    insert_instant: key.insertInstant,
    expiration_instant: key.expirationInstant,
    rotated_instant: key.rotatedInstant,
    revoked_instant: key.revokedInstant,
    keystore_state: key.keystoreState,
  };
}

/** Unique columns → fields; a second current or next key per tenant and algorithm (008's indexes) is `keystoreState`. */
const UNIQUE = { id: 'id', name: 'name', algorithm: 'keystoreState' };

export class KyselyKeyRepository implements KeyRepository {
  constructor(private readonly db: Executor) {}

  async find(id: string): Promise<KeyRecord | undefined> {
    const row = await this.db.selectFrom('keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findMany(ids: string[]): Promise<KeyRecord[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom('keys').selectAll().where('id', 'in', ids).execute()).map(toRecord);
  }

  async list(tenantId?: string): Promise<KeyRecord[]> {
    let query = this.db.selectFrom('keys').selectAll().orderBy('insert_instant').orderBy('id');
    if (tenantId !== undefined) query = query.where((eb) => eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', tenantId)]));
    return (await query.execute()).map(toRecord);
  }

  async nameTaken(name: string): Promise<boolean> {
    return Boolean(await this.db.selectFrom('keys').select('id').where('name', '=', name).executeTakeFirst());
  }

  async insert(key: KeyRecord): Promise<void> {
    await uniquely('key', UNIQUE, () => this.db.insertInto('keys').values(toRow(key)).execute());
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('keys').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('keys').set({ tenant_id: null, keystore_state: null }).where('id', 'in', ids).execute();
  }

  async idsOwnedBy(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('keys').select('id').where('tenant_id', '=', tenantId).execute();
    return rows.map((r) => r.id);
  }

  async deleteOwnedBy(tenantId: string): Promise<number> {
    const result = await this.db.deleteFrom('keys').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async keystoreOf(tenantId: string): Promise<KeyRecord[]> {
    const rows = await this.db
      .selectFrom('keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('keystore_state', 'is not', null)
      .orderBy('insert_instant')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async moveState(tenantId: string, id: string, from: KeystoreState, move: KeystoreMove): Promise<boolean> {
    const result = await uniquely('key', UNIQUE, () =>
      this.db
        .updateTable('keys')
        .set({
          keystore_state: move.to,
          ...(move.rotatedInstant !== undefined ? { rotated_instant: move.rotatedInstant } : {}),
          ...(move.revokedInstant !== undefined ? { revoked_instant: move.revokedInstant } : {}),
        })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .where('keystore_state', '=', from)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }
}
