import type { Kysely } from 'kysely';

/**
 * Failed-login counters and blocks, for users and for client IPs alike (one mechanism). A row
 * is keyed by tenant, kind ('user' | 'ip') and subject (user id or IP). Counters change only
 * through single conditional UPDATEs, so parallel attempts cannot overshoot a limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('subject', 'varchar(64)', (c) => c.notNull())
    .addColumn('failed_count', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint')
    .addColumn('blocked_at', 'bigint')
    .addColumn('block_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failures_pk', ['tenant_id', 'kind', 'subject'])
    .execute();
  await db.schema.createIndex('login_failures_blocked').on('login_failures').columns(['tenant_id', 'kind', 'blocked_until']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
}
