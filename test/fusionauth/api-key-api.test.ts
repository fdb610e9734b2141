/** FusionAuth API Key API: hashed storage, shown once, permissions, tenant locks, key managers. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt, codesFor } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`FusionAuth API Key API on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    test('the first-start key has the value TESSERA_API_KEY gave it', async () => {
      assert.equal((await attempt(t.client().retrieveTenants())).statusCode, 200);
      assert.equal(t.server.bootstrap.generatedApiKey, undefined, 'nothing generated, nothing to print');
    });

    test('a created key works, is shown once, and is stored only as a hash', async () => {
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { metaData: { attributes: { description: 'ci' } } } }));
      assert.equal(created.statusCode, 200);
      const { id, key } = created.response.apiKey;
      assert.ok(key && key.length >= 32);
      assert.equal((await attempt(t.client(key).retrieveTenants())).statusCode, 200);
      const fetched = await attempt(t.client().retrieveAPIKey(id));
      assert.equal(fetched.statusCode, 200);
      assert.equal(fetched.response.apiKey.key, undefined, 'the value is not shown again');
      assert.deepEqual(fetched.response.apiKey.metaData, { attributes: { description: 'ci' } });
      const rows = await t.server.database.db.selectFrom('api_keys').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(key), 'no plaintext key at rest');
      assert.ok(!JSON.stringify(rows).includes(t.apiKey), 'not even the first-start key');
      assert.equal((await attempt(t.client().deleteAPIKey(id))).statusCode, 200);
      assert.equal((await attempt(t.client(key).retrieveTenants())).statusCode, 401, 'a deleted key stops working');
    });

    test('a chosen key value, and duplicates refused', async () => {
      const value = `chosen-${crypto.randomBytes(16).toString('hex')}`;
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { key: value } }));
      assert.equal(created.statusCode, 200);
      assert.equal(created.response.apiKey.key, value);
      const again = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { key: value } }));
      assert.equal(again.statusCode, 400);
      assert.deepEqual(codesFor(again.response, 'apiKey.key'), ['[duplicate]apiKey.key']);
      const short = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { key: 'short' } }));
      assert.equal(short.statusCode, 400);
    });

    test('endpoint permissions limit a key to the endpoints and methods named', async () => {
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { permissions: { endpoints: { '/api/tenant': ['GET'] } } } }));
      const limited = t.client(created.response.apiKey.key);
      assert.equal((await attempt(limited.retrieveTenants())).statusCode, 200);
      assert.equal((await attempt(limited.createTenant(null as unknown as string, { tenant: { name: `No ${crypto.randomUUID()}` } }))).statusCode, 401);
      assert.equal((await attempt(limited.retrieveKeys())).statusCode, 401);
      assert.equal((await attempt(limited.createAPIKey(null as unknown as string, { apiKey: {} }))).statusCode, 401, 'not a key manager');
    });

    test('update changes permissions and the lock; unknown ids are 404', async () => {
      const tenant = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Lock ${crypto.randomUUID()}` } }))).response.tenant;
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: {} }));
      const id = created.response.apiKey.id;
      const updated = await attempt(t.client().updateAPIKey(id, { apiKey: { tenantId: tenant.id } }));
      assert.equal(updated.statusCode, 200);
      assert.equal(updated.response.apiKey.tenantId, tenant.id);
      const locked = t.client(created.response.apiKey.key);
      assert.deepEqual((await attempt(locked.retrieveTenants())).response.tenants.map((x: any) => x.id), [tenant.id]);
      assert.equal((await attempt(t.client().updateAPIKey(crypto.randomUUID(), { apiKey: {} }))).statusCode, 404);
      const badTenant = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: crypto.randomUUID() } }));
      assert.equal(badTenant.statusCode, 400);
      assert.deepEqual(codesFor(badTenant.response, 'apiKey.tenantId'), ['[invalid]apiKey.tenantId']);
    });

    test("deleting a tenant deletes the API keys locked to it", async () => {
      const tenant = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Owner ${crypto.randomUUID()}` } }))).response.tenant;
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: tenant.id } }));
      await attempt(t.client().deleteTenant(tenant.id));
      assert.equal((await attempt(t.client().retrieveAPIKey(created.response.apiKey.id))).statusCode, 404);
      assert.equal((await attempt(t.client(created.response.apiKey.key).retrieveTenants())).statusCode, 401);
    });

    test('a key cannot delete itself', async () => {
      const list = await t.fetch('/api/api-key');
      const self = list.body.apiKeys.find((k: any) => k.keyManager && !k.tenantId);
      const refused = await attempt(t.client().deleteAPIKey(self.id));
      assert.equal(refused.statusCode, 400);
    });
  });
}
