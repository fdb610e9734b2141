/**
 * Migration 014_creators on a database written before it, on both back ends: every API key and
 * every tenant that existed belongs to (was created by) the operator account, and new rows
 * keep the account they are given.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Kysely, Migrator } from 'kysely';
import { backends } from '../support/backends.js';
import { type MigratedDatabase, databaseMigratedTo } from '../support/migrations.js';

for (const backend of backends()) {
  describe(`migration 014_creators on ${backend.name}`, () => {
    let database: MigratedDatabase;
    let db: Kysely<any>;
    let migrator: Migrator;

    before(async () => {
      database = await databaseMigratedTo(backend, '011_oidc_accounts');
      ({ db, migrator } = database);
    });
    after(async () => database?.drop());

    test('existing keys and tenants become the operator’s; new rows keep their own account', async () => {
      const tenant = (id: string) => ({ id, slug: `s-${id.slice(0, 8)}`, name: `T ${id}`, state: 'Active', settings: '{}', access_token_key_id: 'k', id_token_key_id: 'k', insert_instant: 1, last_update_instant: 1 });
      const apiKey = (id: string) => ({ id, tenant_id: null, key_hash: crypto.randomBytes(32).toString('hex'), permissions: '{"endpoints":{}}', meta_data: '{"attributes":{}}', key_manager: 0, insert_instant: 1, last_update_instant: 1 });
      const [t1, t2, k1] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      await db.insertInto('tenants').values([tenant(t1), tenant(t2)]).execute();
      await db.insertInto('api_keys').values(apiKey(k1)).execute();

      const { error } = await migrator.migrateToLatest();
      assert.ifError(error);
      const tenants = await db.selectFrom('tenants').select(['id', 'created_by']).orderBy('id').execute();
      assert.deepEqual(tenants.map((r: { created_by: string }) => r.created_by), ['operator', 'operator']);
      assert.equal((await db.selectFrom('api_keys').select('owner_id').where('id', '=', k1).executeTakeFirstOrThrow()).owner_id, 'operator');

      const t3 = crypto.randomUUID();
      await db.insertInto('tenants').values({ ...tenant(t3), created_by: 'acct-7' }).execute();
      assert.equal((await db.selectFrom('tenants').select('created_by').where('id', '=', t3).executeTakeFirstOrThrow()).created_by, 'acct-7');
    });
  });
}
