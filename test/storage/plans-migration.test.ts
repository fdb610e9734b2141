/**
 * Migration 015_subscription_plans on a database written before it, on both back ends: every
 * tenant (all on the placeholder `free`, the only plan there was) goes on `on-premise`, the plan
 * without limits it had in practice; nothing else of its settings changes.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Kysely, Migrator } from 'kysely';
import { backends } from '../support/backends.js';
import { type MigratedDatabase, databaseMigratedTo } from '../support/migrations.js';

for (const backend of backends()) {
  describe(`migration 015_subscription_plans on ${backend.name}`, () => {
    let database: MigratedDatabase;
    let db: Kysely<any>;
    let migrator: Migrator;

    before(async () => {
      database = await databaseMigratedTo(backend, '011_oidc_accounts');
      ({ db, migrator } = database);
    });
    after(async () => database?.drop());

    test('tenants from before plans were enforced go on on-premise, their other settings untouched', async () => {
      const old = (plan: object | undefined, extra: object) => JSON.stringify({ ...extra, ...(plan ? { subscription: plan } : {}) });
      const tenant = (id: string, settings: string) => ({ id, slug: `s-${id.slice(0, 8)}`, name: `T ${id}`, state: 'Active', settings, access_token_key_id: 'k', id_token_key_id: 'k', insert_instant: 1, last_update_instant: 1 });
      const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
      await db.insertInto('tenants').values([
        tenant(a, old({ plan: 'free' }, { passwordPolicy: { minLength: 12 }, region: 'eu-1' })),
        tenant(b, old(undefined, { themeId: 'x' })),
      ]).execute();

      const { error } = await migrator.migrateToLatest();
      assert.ifError(error);
      const rows = await db.selectFrom('tenants').select(['id', 'settings']).execute();
      // Migration 013 before it gives every tenant a branding block; that one is its own test's.
      const settings = Object.fromEntries(rows.map((r: { id: string; settings: string }) => { const { branding: _branding, ...rest } = JSON.parse(r.settings); return [r.id, rest]; }));
      assert.deepEqual(settings[a], { passwordPolicy: { minLength: 12 }, region: 'eu-1', subscription: { plan: 'on-premise' } });
      assert.deepEqual(settings[b], { themeId: 'x', subscription: { plan: 'on-premise' } });
    });
  });
}
