import { type Kysely, sql } from 'kysely';

/**
 * Each tenant's keystore (seed 000 `keystore[]`): a key row owned by a tenant gets a state,
 * next → current → previous → revoked; `rotated_instant` / `revoked_instant` (there since 001)
 * record when it left `current` and when it was revoked.
 *
 * - keystore_state: null for keys outside any keystore (the Key API's global keys).
 * - Backfill: a tenant-owned key its tenant signs with is `current`; where a tenant signs with
 *   two owned keys of one algorithm, the one with the lowest id is (the other stays outside).
 *   Such tenants have no `next` key until their first rotation makes one.
 * - keys_keystore_one_current / _one_next: at most one current and one next key per tenant and
 *   algorithm, whatever two rotations racing would do (the backstop of the conditional moves).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('keys').addColumn('keystore_state', 'varchar(16)').execute();
  await sql`
    update keys set keystore_state = 'current'
    where tenant_id is not null
      and exists (select 1 from tenants t where t.id = keys.tenant_id and (t.access_token_key_id = keys.id or t.id_token_key_id = keys.id))`.execute(db);
  await sql`
    update keys set keystore_state = null
    where keystore_state = 'current'
      and exists (select 1 from keys k2 where k2.tenant_id = keys.tenant_id and k2.algorithm = keys.algorithm and k2.keystore_state = 'current' and k2.id < keys.id)`.execute(db);
  for (const state of ['current', 'next']) {
    await db.schema
      .createIndex(`keys_keystore_one_${state}`)
      .on('keys')
      .columns(['tenant_id', 'algorithm'])
      .unique()
      .where(sql.ref('keystore_state'), '=', sql.lit(state))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('keys_keystore_one_next').execute();
  await db.schema.dropIndex('keys_keystore_one_current').execute();
  await db.schema.alterTable('keys').dropColumn('keystore_state').execute();
}
