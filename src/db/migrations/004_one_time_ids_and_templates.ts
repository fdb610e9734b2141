import type { Kysely } from 'kysely';

/**
 * One-time identifiers (change-password ids, email verification ids, …), stored as SHA-256
 * hashes and consumed at most once; and email templates that override the built-in ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('one_time_ids')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('one_time_ids_user').on('one_time_ids').columns(['user_id', 'purpose']).execute();

  await db.schema
    .createTable('email_templates')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(191)', (c) => c.notNull().unique())
    .addColumn('default_subject', 'text', (c) => c.notNull())
    .addColumn('default_text_template', 'text', (c) => c.notNull())
    .addColumn('default_html_template', 'text', (c) => c.notNull())
    .addColumn('from_email', 'varchar(320)')
    .addColumn('default_from_name', 'varchar(255)')
    .addColumn('insert_instant', 'bigint', (c) => c.notNull())
    .addColumn('last_update_instant', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_templates').execute();
  await db.schema.dropTable('one_time_ids').execute();
}
