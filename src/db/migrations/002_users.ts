import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from '../connect.js';

/**
 * Users and the state login security keeps. Every key and unique constraint includes the
 * tenant: the same email may live in two tenants with different passwords. Username and
 * email are matched case-insensitively through their lower-cased copies, whose indexes also
 * serve prefix search and sorting.
 */
export function up(kind: DatabaseKind) {
  // Prefix search compares by code point; PostgreSQL must not use a locale's collation for that.
  const folded = (length: number) => (kind === 'postgres' ? sql`varchar(${sql.raw(String(length))}) collate "C"` : sql`varchar(${sql.raw(String(length))})`);
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('users')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('username', 'varchar(128)')
      .addColumn('username_lower', folded(128))
      .addColumn('email', 'varchar(320)')
      .addColumn('email_lower', folded(320))
      .addColumn('is_disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_verified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locale', 'varchar(64)')
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('external_id', 'varchar(255)')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('password_scheme', 'varchar(64)')
      .addColumn('password_factor', 'integer')
      .addColumn('password_salt', 'varchar(255)')
      .addColumn('password_hash', 'text')
      .addColumn('password_changed_at', 'bigint')
      .addColumn('password_change_required', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_tenant_username').on('users').columns(['tenant_id', 'username_lower']).unique().execute();
    await db.schema.createIndex('users_tenant_email').on('users').columns(['tenant_id', 'email_lower']).unique().execute();
    await db.schema.createIndex('users_tenant_created').on('users').columns(['tenant_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('password_history')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('scheme', 'varchar(64)', (c) => c.notNull())
      .addColumn('factor', 'integer', (c) => c.notNull())
      .addColumn('salt', 'varchar(255)')
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('password_history_user').on('password_history').columns(['user_id', 'created_at']).execute();
  };
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('password_history').execute();
  await db.schema.dropTable('users').execute();
}
