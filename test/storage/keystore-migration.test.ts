/**
 * Migration 008_keystore on a database written before it, on both back ends: the keys a tenant
 * owns and signs with become its current keys (one per algorithm), everything else stays
 * outside any keystore.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Kysely, type Migrator, sql } from 'kysely';
import { backends } from '../support/backends.js';
import { type MigratedDatabase, databaseMigratedTo } from '../support/migrations.js';

for (const backend of backends()) {
  describe(`migration 008_keystore on ${backend.name}`, () => {
    let database: MigratedDatabase;
    let db: Kysely<any>;
    let migrator: Migrator;

    before(async () => {
      database = await databaseMigratedTo(backend, '006_change_feed_and_history_tenant');
      ({ db, migrator } = database);
    });
    after(async () => database?.drop());

    test('owned signing keys become current, one per tenant and algorithm; the rest stay outside', async () => {
      const id = () => crypto.randomUUID();
      const [t1, t2, t3] = [id(), id(), id()];
      // Ids chosen so that of t3's two ES256 keys k4 sorts first.
      const k = { k1: id(), k2: id(), k3: id(), g: id(), k4: `0${id().slice(1)}`, k5: `f${id().slice(1)}` };
      const tenant = (tid: string, access: string, idKey: string) => ({ id: tid, slug: `s-${tid.slice(0, 8)}`, name: `T ${tid}`, state: 'Active', settings: '{}', access_token_key_id: access, id_token_key_id: idKey, insert_instant: 1, last_update_instant: 1 });
      await db.insertInto('tenants').values([tenant(t1, k.k1, k.k2), tenant(t2, k.g, k.g), tenant(t3, k.k4, k.k5)]).execute();
      const key = (kid: string, owner: string | null, algorithm: string) => ({ id: kid, tenant_id: owner, name: `key ${kid}`, algorithm, type: algorithm.startsWith('RS') ? 'RSA' : 'EC', kid: `kid-${kid}`, insert_instant: 1 });
      await db.insertInto('keys').values([key(k.k1, t1, 'ES256'), key(k.k2, t1, 'RS256'), key(k.k3, t1, 'ES256'), key(k.g, null, 'ES256'), key(k.k4, t3, 'ES256'), key(k.k5, t3, 'ES256')]).execute();

      const { error } = await migrator.migrateToLatest();
      assert.ifError(error);
      const rows = await db.selectFrom('keys').select(['id', 'keystore_state']).execute();
      const state = Object.fromEntries(rows.map((r: { id: string; keystore_state: string | null }) => [r.id, r.keystore_state]));
      assert.deepEqual(
        { k1: state[k.k1], k2: state[k.k2], k3: state[k.k3], g: state[k.g], k4: state[k.k4], k5: state[k.k5] },
        { k1: 'current', k2: 'current', k3: null, g: null, k4: 'current', k5: null },
      );
      // The unique index now holds: a second current ES256 key for t1 is refused.
      await assert.rejects(sql`update keys set keystore_state = 'current' where id = ${k.k3}`.execute(db));
    });
  });
}
