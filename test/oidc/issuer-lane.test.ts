/**
 * The issuer lane (src/oidc/issuer-lane.ts): the engine's machine endpoints reach the tenant's
 * provider ahead of Fastify, and whatever the lane cannot serve as the catch-all would is
 * Fastify's to answer, exactly as before — an unknown tenant's token endpoint is the same 404,
 * a reserved first segment stays its dialect's, a route that the lane would shadow is refused.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { lanePath, refuseLaneShadowing } from '../../src/oidc/issuer-lane.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { freePort } from '../support/ports.js';
import { type TestServer, startTestServer } from '../support/server.js';

describe('which requests the issuer lane takes', () => {
  test('the machine endpoints below a tenant slug, with or without a query', () => {
    assert.deepEqual(lanePath('/acme/token'), { slug: 'acme', path: '/token' });
    assert.deepEqual(lanePath('/acme/token/introspection?x=1'), { slug: 'acme', path: '/token/introspection' });
    assert.deepEqual(lanePath('/acme/.well-known/openid-configuration'), { slug: 'acme', path: '/.well-known/openid-configuration' });
    assert.deepEqual(lanePath('/acme/jwks'), { slug: 'acme', path: '/jwks' });
  });

  test('nothing else: browser endpoints, pages, reserved first segments, malformed slugs, near misses', () => {
    for (const url of ['/acme/auth', '/acme/interaction/abc', '/acme/session/end', '/acme/token/', '/acme/tokens', '/api/token', '/tenants/token', '/Acme/token', '/ac%6de/token', '/token', '/', 'acme/token', '/acme//token']) {
      assert.equal(lanePath(url), undefined, url);
    }
  });

  test('a Fastify route the lane would shadow is refused while the app is built', async () => {
    const app = Fastify();
    refuseLaneShadowing(app);
    app.get('/:slug/interaction/:uid', async () => 'fine');
    assert.throws(() => app.post('/:slug/token', async () => 'never reached'), /issuer lane/);
    await app.close();
  });
});

for (const backend of backends()) {
  describe(`the issuer lane on ${backend.name}`, () => {
    let t: TestServer;
    let slug: string;

    before(async () => {
      const port = await freePort();
      t = await startTestServer(backend, { port, publicUrl: `http://127.0.0.1:${port}` });
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Lane ${crypto.randomUUID().slice(0, 6)}` } }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      slug = (await t.server.tenants.get({}, created.response.tenant!.id!)).slug;
    });
    after(async () => t?.stop());

    test('an unknown tenant’s token endpoint is the catch-all’s 404, the same as any other path of it', async () => {
      const viaLane = await fetch(`${t.url}/no-such-tenant/token`, { method: 'POST', body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const viaFastify = await fetch(`${t.url}/no-such-tenant/auth`, { method: 'POST', body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(viaLane.status, 404);
      assert.equal(viaLane.status, viaFastify.status);
      assert.equal(await viaLane.text(), await viaFastify.text());
    });

    test('a tenant named by its id is not its issuer (404), by its slug it is', async () => {
      const tenant = await t.server.tenants.getBySlugOrId(slug);
      assert.equal((await fetch(`${t.url}/${tenant.id}/jwks`)).status, 404);
      const jwks = await fetch(`${t.url}/${slug}/jwks`);
      assert.equal(jwks.status, 200);
      assert.equal(jwks.headers.get('cache-control'), 'public, max-age=30');
    });
  });
}
