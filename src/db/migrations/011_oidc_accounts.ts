import type { Kysely } from 'kysely';

/** The account an OpenID artefact was issued to, so a user's refresh tokens can be revoked together. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oidc_models').addColumn('account_id', 'varchar(255)').execute();
  await db.schema.createIndex('oidc_models_account').on('oidc_models').columns(['tenant_id', 'account_id', 'model']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oidc_models_account').execute();
  await db.schema.alterTable('oidc_models').dropColumn('account_id').execute();
}
