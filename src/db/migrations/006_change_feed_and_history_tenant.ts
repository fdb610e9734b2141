import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from '../connect.js';

/**
 * - change_events: the feed other instances sharing the database poll for tenant, key and
 *   API-key changes (core/events). Rows are short-lived; the readers purge old ones.
 * - password_history gains the tenant, so every statement on it names the tenant like every
 *   other per-tenant table (filled from the users the rows belong to).
 */
export function up(kind: DatabaseKind) {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('change_events')
      .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('origin', 'varchar(64)', (c) => c.notNull())
      .addColumn('type', 'varchar(64)', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('change_events_at').on('change_events').column('at').execute();

    await db.schema.alterTable('password_history').addColumn('tenant_id', 'varchar(36)').execute();
    await sql`update password_history set tenant_id = (select tenant_id from users where users.id = password_history.user_id)`.execute(db);
    await db.schema.dropIndex('password_history_user').execute();
    await db.schema.createIndex('password_history_tenant_user').on('password_history').columns(['tenant_id', 'user_id', 'created_at']).execute();
  };
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('password_history_tenant_user').execute();
  await db.schema.createIndex('password_history_user').on('password_history').columns(['user_id', 'created_at']).execute();
  await db.schema.alterTable('password_history').dropColumn('tenant_id').execute();
  await db.schema.dropTable('change_events').execute();
}
