import { type Kysely, sql } from 'kysely';

/**
 * Listing stays fast at a million users:
 * - tenant_user_counts keeps each tenant's user count, changed in the same transaction as the
 *   users, so an unfiltered list's total_count is one row instead of a count over the tenant;
 * - (tenant, username/email, id) indexes let a deep page be found in the index alone, before
 *   only its few rows are read (see userStore.list).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenant_user_counts')
    .addColumn('tenant_id', 'varchar(36)', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('user_count', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into tenant_user_counts (tenant_id, user_count) select tenant_id, count(*) from users group by tenant_id`.execute(db);
  await db.schema.createIndex('users_tenant_username_id').on('users').columns(['tenant_id', 'username_lower', 'id']).execute();
  await db.schema.createIndex('users_tenant_email_id').on('users').columns(['tenant_id', 'email_lower', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_tenant_email_id').execute();
  await db.schema.dropIndex('users_tenant_username_id').execute();
  await db.schema.dropTable('tenant_user_counts').execute();
}
