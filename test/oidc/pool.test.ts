/**
 * The provider pool (OIDC_PROVIDER_POOL): more tenants than the pool holds all keep answering —
 * the least recently used provider goes out and is built again on its tenant's next request —
 * and the pool's counters (builds, hits, evictions) say so.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`the provider pool on ${backend.name}`, () => {
    let t: TestServer;
    const slugs: string[] = [];

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}`, maxProviders: 2 });
      for (const name of ['Pool A', 'Pool B', 'Pool C']) {
        const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `${name} ${crypto.randomUUID().slice(0, 6)}` } }));
        assert.equal(created.statusCode, 200, JSON.stringify(created.response));
        slugs.push((await t.server.tenants.get({}, created.response.tenant!.id!)).slug);
      }
    });
    after(async () => t?.stop());

    test('three tenants through a pool of two: every issuer answers, the least recently used is rebuilt, the counters tell', async () => {
      const [a, b, c] = slugs as [string, string, string];
      const start = t.server.oidc.stats;
      assert.deepEqual({ capacity: start.capacity, size: start.size }, { capacity: 2, size: 0 }, 'nothing built before the first request');
      const discover = async (slug: string) => {
        const response = await fetch(`${t.url}/${slug}/.well-known/openid-configuration`);
        assert.equal(response.status, 200, slug);
        assert.equal(((await response.json()) as { issuer: string }).issuer, `${t.url}/${slug}`);
      };
      // a, b built; a again (a hit, and now the most recently used); c pushes out b; b is built again and pushes out a.
      for (const slug of [a, b, a, c, b]) await discover(slug);
      const end = t.server.oidc.stats;
      assert.deepEqual(
        { builds: end.builds - start.builds, hits: end.hits - start.hits, evictions: end.evictions - start.evictions, size: end.size },
        { builds: 4, hits: 1, evictions: 2, size: 2 },
      );
    });
  });
}
