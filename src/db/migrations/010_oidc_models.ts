import type { Kysely } from 'kysely';

/**
 * The OpenID Provider's artefacts of every tenant (oidc-provider models: codes, tokens, grants,
 * sessions, interactions, …) as opaque JSON by (tenant, model, id), with the references the
 * engine looks them up by. `expires_at` and `consumed_at` are epoch seconds, as the engine counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_models')
    .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('model', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('uid', 'varchar(255)')
    .addColumn('user_code', 'varchar(255)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_models_pkey', ['tenant_id', 'model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_models_grant').on('oidc_models').columns(['tenant_id', 'grant_id']).execute();
  await db.schema.createIndex('oidc_models_uid').on('oidc_models').columns(['tenant_id', 'model', 'uid']).execute();
  await db.schema.createIndex('oidc_models_user_code').on('oidc_models').columns(['tenant_id', 'model', 'user_code']).execute();
  await db.schema.createIndex('oidc_models_expires').on('oidc_models').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_models').execute();
}
