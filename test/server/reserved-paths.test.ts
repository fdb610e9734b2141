/**
 * The server's own first path segments (src/core/tenants/reserved-slugs.ts) are never a tenant's
 * slug, a slug is never UUID-shaped, and a route outside the list cannot be registered.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ValidationFailed } from '../../src/core/errors.js';
import { RESERVED_PATH_SEGMENTS } from '../../src/core/tenants/reserved-slugs.js';
import { defaultTenantSettings } from '../../src/core/tenants/settings.js';
import { isValidSlug, slugFromName } from '../../src/core/tenants/slug.js';
import { refuseUnreservedRoutes } from '../../src/http/app.js';
import { isUuid } from '../../src/util/uuid.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

const UUID_START = /^[0-9a-f]{8}-[0-9a-f]{4}-/;

describe('the slug rule and the reserved list', () => {
  test('no reserved segment and no UUID is a valid slug, and no name derives one', () => {
    for (const segment of RESERVED_PATH_SEGMENTS) {
      assert.equal(isValidSlug(segment), false, `${segment} is refused when given`);
      const derived = slugFromName(segment.toUpperCase());
      assert.ok(isValidSlug(derived), `${segment} → ${derived} is a valid slug`);
    }
    assert.equal(slugFromName('API'), 'api-tenant');
    const id = crypto.randomUUID();
    assert.equal(isValidSlug(id), false);
    assert.ok(isValidSlug(slugFromName(id)) && !UUID_START.test(slugFromName(id)), slugFromName(id));
    assert.ok(isValidSlug(slugFromName(id.toUpperCase())));
    assert.equal(slugFromName('Api Gateway'), 'api-gateway', 'only the whole slug is compared');
  });

  test('a top-level route outside the list fails while the app is built; reserved and tenant-parameter routes do not', async () => {
    const build = async (url: string) => {
      const app: FastifyInstance = Fastify();
      refuseUnreservedRoutes(app);
      try {
        await app.register(async (scope) => {
          scope.get(url, async () => 'ok');
        });
        await app.ready();
      } finally {
        await app.close();
      }
    };
    await build('/api/something-new');
    await build('/tenants/:tenant_id/things');
    await build('/:slug/login');
    await assert.rejects(build('/brand-new/route'), /brand-new.*RESERVED_PATH_SEGMENTS/);
    await assert.rejects(build('/*'), /RESERVED_PATH_SEGMENTS/);
  });
});

for (const backend of backends()) {
  describe(`reserved slugs on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    const create = async (name: string) => {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name } }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const tenant = created.response.tenant as { id: string; issuer: string };
      return { id: tenant.id, issuer: tenant.issuer, slug: new URL(tenant.issuer).pathname.slice(1) };
    };

    test('FusionAuth: tenants named "API" and "Tenants" get slugs and issuers off the server’s paths', async () => {
      const api = await create('API');
      assert.notEqual(api.slug, 'api');
      assert.ok(!api.issuer.startsWith('http://tessera.test/api/') && api.issuer !== 'http://tessera.test/api', api.issuer);
      const tenants = await create('Tenants');
      assert.notEqual(tenants.slug, 'tenants');
      // The tenant is reachable under its slug, and /api still belongs to the API.
      const users = await t.fetch(`/tenants/${tenants.slug}/users`, { headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(users.status, 200, users.text);
      assert.equal((await t.fetch('/api/status')).status, 200);
    });

    test('a given slug that is reserved is a field error on slug', async () => {
      for (const slug of ['tenants', 'api', '.well-known', crypto.randomUUID()]) {
        await assert.rejects(
          t.server.tenants.create({}, { name: `Given ${crypto.randomUUID().slice(0, 8)}`, slug, createdBy: 'operator', settings: defaultTenantSettings({ issuer: '', accessTokenKeyId: '', idTokenKeyId: '' }) }),
          (error: unknown) => error instanceof ValidationFailed && error.problems.some((p) => p.field === 'slug' && p.kind === 'invalid'),
          slug,
        );
      }
    });

    test('a tenant named like another tenant’s id gets a slug that is not UUID-shaped, and the id still means the other tenant', async () => {
      const first = await create(`First ${crypto.randomUUID().slice(0, 8)}`);
      const second = await create(first.id);
      assert.ok(!UUID_START.test(second.slug) && !isUuid(second.slug), second.slug);
      const bearer = { authorization: `Bearer ${t.apiKey}` };
      const added = await t.fetch(`/tenants/${first.id}/users`, { method: 'POST', body: { username: 'firsts.user', email: 'firsts.user@example.com' }, headers: bearer });
      assert.equal(added.status, 201, added.text);
      assert.equal((await t.fetch(`/tenants/${first.slug}/users?limit=1`, { headers: bearer })).body.total_count, 1);
      assert.equal((await t.fetch(`/tenants/${second.slug}/users?limit=1`, { headers: bearer })).body.total_count, 0);
    });
  });
}
