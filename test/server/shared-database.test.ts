/**
 * Two Tessera processes on one database (a scaled-out deployment): what one changes, the other
 * hears through the change feed — not by waiting for its read cache to expire: the peer here
 * caches for ten minutes, so only a change event can make it see the change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeEvent } from '../../src/core/events/change-events.js';
import type { RunningServer } from '../../src/server.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

const LONG_CACHE = { cacheTtlMs: 10 * 60_000 };

/** Resolves with the first event `server` hears from another instance that matches. */
function nextRemote(server: RunningServer, matches: (event: ChangeEvent) => boolean): Promise<ChangeEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no change event arrived from the other instance within 10 s'));
    }, 10_000);
    const stop = server.changes.subscribe((event, source) => {
      if (source !== 'remote' || !matches(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

for (const backend of backends()) {
  describe(`two processes on one ${backend.name} database`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => t?.stop());

    test('an API key deleted by one process is refused there at once and by the other as soon as it hears of it', async () => {
      const peer = await t.startPeer(LONG_CACHE);
      const created = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: {} }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const key: string = created.response.apiKey!.key!;
      const asKey = { headers: { authorization: key } };
      assert.equal((await t.fetch('/api/tenant', asKey)).status, 200);
      assert.equal((await peer.fetch('/api/tenant', asKey)).status, 200, 'the peer knows the key (and now holds it)');

      const heard = nextRemote(peer.server, (e) => e.type === 'apiKey.deleted');
      assert.equal((await attempt(t.client().deleteAPIKey(created.response.apiKey!.id!))).statusCode, 200);
      assert.equal((await t.fetch('/api/tenant', asKey)).status, 401, 'the deleting process refuses the key at once');
      assert.deepEqual(await heard, { type: 'apiKey.deleted', apiKeyId: created.response.apiKey!.id, tenantId: null });
      assert.equal((await peer.fetch('/api/tenant', asKey)).status, 401, 'the other process refuses it once it heard');
    });

    test('a tenant changed by one process is seen there at once and by the other as soon as it hears of it', async () => {
      const peer = await t.startPeer(LONG_CACHE);
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `shared-${Date.now()}` } }));
      const id: string = created.response.tenant!.id!;
      const slug = new URL(created.response.tenant!.issuer!).pathname.slice(1);
      assert.equal((await peer.fetch(`/api/tenant/${id}`)).body.tenant.name, created.response.tenant!.name);
      assert.equal((await peer.fetch(`/tenants/${slug}/users`)).status, 200, 'the peer knows the tenant by its slug too');

      const renamed = `renamed-${Date.now()}`;
      const updated = nextRemote(peer.server, (e) => e.type === 'tenant.updated' && e.tenantId === id);
      assert.equal((await attempt(t.client().patchTenant(id, { tenant: { name: renamed } }))).statusCode, 200);
      assert.equal((await t.fetch(`/api/tenant/${id}`)).body.tenant.name, renamed);
      await updated;
      assert.equal((await peer.fetch(`/api/tenant/${id}`)).body.tenant.name, renamed);

      const deleted = nextRemote(peer.server, (e) => e.type === 'tenant.deleted' && e.tenantId === id);
      assert.equal((await attempt(t.client().deleteTenant(id))).statusCode, 200);
      assert.equal((await t.fetch(`/api/tenant/${id}`)).status, 404);
      assert.equal((await t.fetch(`/tenants/${slug}/users`)).status, 404);
      await deleted;
      assert.equal((await peer.fetch(`/api/tenant/${id}`)).status, 404);
      assert.equal((await peer.fetch(`/tenants/${slug}/users`)).status, 404);
    });

    test('events are delivered on the changing instance after the commit, and a refused change publishes none', async () => {
      const seen: Array<[ChangeEvent, string]> = [];
      const stop = t.server.changes.subscribe((event, source) => seen.push([event, source]));
      try {
        const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `events-${Date.now()}` } }));
        const id: string = created.response.tenant!.id!;
        const keyIds = [created.response.tenant!.jwtConfiguration!.accessTokenKeyId, created.response.tenant!.jwtConfiguration!.idTokenKeyId];
        // Its keystore: a current and a next key for each of ES256 and RS256.
        assert.deepEqual(seen.map(([e, source]) => [e.type, source]), [
          ['key.created', 'local'],
          ['key.created', 'local'],
          ['key.created', 'local'],
          ['key.created', 'local'],
          ['tenant.created', 'local'],
        ]);
        const announced = new Set(seen.slice(0, 4).map(([e]) => ('keyId' in e ? e.keyId : '')));
        assert.equal(announced.size, 4);
        for (const keyId of keyIds) assert.ok(announced.has(keyId!), 'the signing keys are among them');

        seen.length = 0;
        const refused = await t.fetch(`/api/tenant/${id}`, { method: 'PATCH', body: { tenant: { jwtConfiguration: { accessTokenKeyId: '00000000-0000-4000-8000-000000000000' } } } });
        assert.equal(refused.status, 400);
        await t.server.changeFeed.poll();
        assert.equal(seen.length, 0, 'a rolled-back change is heard by nobody');

        const key = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'ES256' as any, name: `events key ${Date.now()}` } }));
        assert.equal(key.statusCode, 200, JSON.stringify(key.response));
        assert.deepEqual(seen.map(([e]) => e), [{ type: 'key.created', keyId: key.response.key!.id, tenantId: null }]);
      } finally {
        stop();
      }
    });
  });
}
