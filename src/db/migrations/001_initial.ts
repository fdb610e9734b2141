import type { Kysely } from 'kysely';

// Instants are epoch milliseconds: bigint in both engines (SQLite's INTEGER is 64-bit).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('slug', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(191)', (c) => c.notNull().unique())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    // Denormalised from settings so "which tenants use this key" is an indexed lookup.
    .addColumn('access_token_key_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('id_token_key_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('insert_instant', 'bigint', (c) => c.notNull())
    .addColumn('last_update_instant', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createIndex('tenants_access_token_key').on('tenants').column('access_token_key_id').execute();
  await db.schema.createIndex('tenants_id_token_key').on('tenants').column('id_token_key_id').execute();

  await db.schema
    .createTable('keys')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(36)', (c) => c.references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'varchar(191)', (c) => c.notNull().unique())
    .addColumn('algorithm', 'varchar(16)', (c) => c.notNull())
    .addColumn('type', 'varchar(8)', (c) => c.notNull())
    .addColumn('kid', 'varchar(191)', (c) => c.notNull())
    .addColumn('length', 'integer')
    .addColumn('issuer', 'text')
    .addColumn('public_key', 'text')
    .addColumn('certificate', 'text')
    .addColumn('public_jwk', 'text')
    .addColumn('secret_encrypted', 'text')
    .addColumn('insert_instant', 'bigint', (c) => c.notNull())
    .addColumn('expiration_instant', 'bigint')
    .addColumn('rotated_instant', 'bigint')
    .addColumn('revoked_instant', 'bigint')
    .execute();
  await db.schema.createIndex('keys_tenant_id').on('keys').column('tenant_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(36)', (c) => c.references('tenants.id').onDelete('cascade'))
    .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('meta_data', 'text', (c) => c.notNull())
    .addColumn('key_manager', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('insert_instant', 'bigint', (c) => c.notNull())
    .addColumn('last_update_instant', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('system_state')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['system_state', 'api_keys', 'keys', 'tenants']) {
    await db.schema.dropTable(table).execute();
  }
}
