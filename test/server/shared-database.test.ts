/**
 * Two Tessera processes on one database (a scaled-out deployment): what one changes, the other
 * sees within the read cache's lifetime (READ_CACHE_TTL_MS), and the changing process at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { READ_CACHE_TTL_MS } from '../../src/core/read-cache.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`two processes on one ${backend.name} database`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => t?.stop());

    test('an API key deleted by one process is refused there at once and by the other within the cache lifetime', async () => {
      const peer = await t.startPeer();
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: {} }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const key: string = created.response.apiKey!.key!;
      const asKey = { headers: { authorization: key } };
      assert.equal((await t.fetch('/api/tenant', asKey)).status, 200);
      assert.equal((await peer.fetch('/api/tenant', asKey)).status, 200, 'the peer knows the key (and now holds it)');

      assert.equal((await attempt(t.client().deleteAPIKey(created.response.apiKey!.id!))).statusCode, 200);
      assert.equal((await t.fetch('/api/tenant', asKey)).status, 401, 'the deleting process refuses the key at once');
      peer.clock.advance(READ_CACHE_TTL_MS + 1);
      assert.equal((await peer.fetch('/api/tenant', asKey)).status, 401, 'the other process refuses it once its cached copy expired');
    });

    test('a tenant changed by one process is seen there at once and by the other within the cache lifetime', async () => {
      const peer = await t.startPeer();
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `shared-${Date.now()}` } }));
      const id: string = created.response.tenant!.id!;
      const slug = new URL(created.response.tenant!.issuer!).pathname.slice(1);
      assert.equal((await peer.fetch(`/api/tenant/${id}`)).body.tenant.name, created.response.tenant!.name);
      assert.equal((await peer.fetch(`/tenants/${slug}/users`)).status, 200, 'the peer knows the tenant by its slug too');

      const renamed = `renamed-${Date.now()}`;
      assert.equal((await attempt(t.client().patchTenant(id, { tenant: { name: renamed } }))).statusCode, 200);
      assert.equal((await t.fetch(`/api/tenant/${id}`)).body.tenant.name, renamed);
      peer.clock.advance(READ_CACHE_TTL_MS + 1);
      assert.equal((await peer.fetch(`/api/tenant/${id}`)).body.tenant.name, renamed);

      assert.equal((await attempt(t.client().deleteTenant(id))).statusCode, 200);
      assert.equal((await t.fetch(`/api/tenant/${id}`)).status, 404);
      assert.equal((await t.fetch(`/tenants/${slug}/users`)).status, 404);
      peer.clock.advance(READ_CACHE_TTL_MS + 1);
      assert.equal((await peer.fetch(`/api/tenant/${id}`)).status, 404);
      assert.equal((await peer.fetch(`/tenants/${slug}/users`)).status, 404);
    });
  });
}
