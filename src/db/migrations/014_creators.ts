import type { Kysely } from 'kysely';

/**
 * Who created a tenant, and whose an API key is (docs/tenant-model.md, "Accounts").
 *
 * - api_keys.owner_id: the account the key acts for. Every key before this migration was made
 *   by the operator (the first-start key, or keys that key made), so they all belong to the
 *   operator account.
 * - tenants.created_by: the account whose key created the tenant; for the same reason every
 *   existing tenant was created by the operator.
 * - tenants_created_by: the PlusAuth "created tenants" list, oldest first.
 */
export const OPERATOR = 'operator';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('owner_id', 'varchar(64)', (c) => c.notNull().defaultTo(OPERATOR)).execute();
  await db.schema.alterTable('tenants').addColumn('created_by', 'varchar(64)', (c) => c.notNull().defaultTo(OPERATOR)).execute();
  await db.schema.createIndex('tenants_created_by').on('tenants').columns(['created_by', 'insert_instant', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tenants_created_by').execute();
  await db.schema.alterTable('tenants').dropColumn('created_by').execute();
  await db.schema.alterTable('api_keys').dropColumn('owner_id').execute();
}
