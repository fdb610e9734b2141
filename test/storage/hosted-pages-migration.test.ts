/**
 * Migration 013_hosted_pages on a database written before it, on both back ends: existing
 * clients are first-party (consent_required 0), and every stored tenant's settings gain the
 * branding block with the built-in look, the rest of the settings untouched.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Kysely, Migrator } from 'kysely';
import { backends } from '../support/backends.js';
import { type MigratedDatabase, databaseMigratedTo } from '../support/migrations.js';

for (const backend of backends()) {
  describe(`migration 013_hosted_pages on ${backend.name}`, () => {
    let database: MigratedDatabase;
    let db: Kysely<any>;
    let migrator: Migrator;

    before(async () => {
      database = await databaseMigratedTo(backend, '011_oidc_accounts');
      ({ db, migrator } = database);
    });
    after(async () => database?.drop());

    test('clients become first-party; tenants get the built-in branding, their other settings kept', async () => {
      const id = crypto.randomUUID();
      const settings = { issuer: 'https://old.example/t', registration: { selfServiceEnabled: true }, data: { kept: [1, 2] } };
      await db.insertInto('tenants').values({ id, slug: `s-${id.slice(0, 8)}`, name: `Old ${id}`, state: 'Active', settings: JSON.stringify(settings), access_token_key_id: 'k', id_token_key_id: 'k', insert_instant: 1, last_update_instant: 1 }).execute();
      await db.insertInto('clients').values({
        tenant_id: id, client_id: 'old', name: 'Old', redirect_uris: '[]', post_logout_redirect_uris: '[]', allowed_scopes: '["openid"]', token_endpoint_auth_method: 'none', client_type: 'public', signing_alg: 'RS256', created_at: 1, updated_at: 1,
      }).execute();

      const { error } = await migrator.migrateTo('013_hosted_pages');
      assert.ifError(error);
      const client = await db.selectFrom('clients').select('consent_required').where('client_id', '=', 'old').executeTakeFirstOrThrow();
      assert.equal(Number(client.consent_required), 0);
      const tenant = await db.selectFrom('tenants').select('settings').where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(tenant.settings), { ...settings, branding: { logoUrl: null, primaryColor: null, backgroundColor: null } });
    });
  });
}
