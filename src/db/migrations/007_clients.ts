import type { Kysely } from 'kysely';

/**
 * OAuth 2.0 / OpenID Connect clients, per tenant (the Vault client API, seed 004). The client
 * id is the caller's and unique within its tenant; list fields and the flow are JSON text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clients')
    .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('allowed_scopes', 'text', (c) => c.notNull())
    .addColumn('token_endpoint_auth_method', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)')
    .addColumn('is_locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signing_alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('flow', 'text')
    .addColumn('logo_uri', 'varchar(2048)')
    .addColumn('client_uri', 'varchar(2048)')
    .addColumn('client_logout_uri', 'varchar(2048)')
    .addColumn('policy_uri', 'varchar(2048)')
    .addColumn('tos_uri', 'varchar(2048)')
    .addColumn('user_agreement_uri', 'varchar(2048)')
    .addColumn('register_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tenant_name', 'varchar(255)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('clients_pkey', ['tenant_id', 'client_id'])
    .execute();
  await db.schema.createIndex('clients_tenant_created').on('clients').columns(['tenant_id', 'created_at', 'client_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('clients').execute();
}
