import type { Kysely } from 'kysely';

/**
 * Users' sign-in sessions (the Vault's sessions), each tied to one OpenID Provider session by
 * its uid, with the grants the provider made in it. The three client records (sign-in, token
 * issue, last access) are JSON text; instants are epoch ms. And the OpenID artefacts get an
 * index by model and id without the tenant (an opaque access token is found by its value).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('engine_uid', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('token_issue', 'text')
    .addColumn('last_access', 'text')
    .addPrimaryKeyConstraint('sessions_pkey', ['tenant_id', 'id'])
    .addUniqueConstraint('sessions_engine_uid_key', ['tenant_id', 'engine_uid'])
    .execute();
  // An opaque access token names no tenant: the Vault's GET /sessions finds it by its value alone.
  await db.schema.createIndex('oidc_models_model_id').on('oidc_models').columns(['model', 'id']).execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['tenant_id', 'user_id', 'created_at']).execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
  await db.schema
    .createTable('session_grants')
    .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_grants_pkey', ['tenant_id', 'session_id', 'grant_id'])
    .addForeignKeyConstraint('session_grants_session', ['tenant_id', 'session_id'], 'sessions', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session_grants').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropIndex('oidc_models_model_id').execute();
}
