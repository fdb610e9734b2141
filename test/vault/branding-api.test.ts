/**
 * The tenant branding route (a Tessera extension in the Vault dialect), on every back end over
 * real HTTP: the built-in look by default, replace and read back, every refusal a 422 naming
 * the field (nothing written), API-key scope (401, a key locked to another tenant 403, an
 * unknown tenant 404), and branding that survives a FusionAuth replace of the tenant.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

const NONE = { logo_url: null, primary_color: null, background_color: null };

for (const backend of backends()) {
  describe(`Vault tenant branding on ${backend.name}`, () => {
    let t: TestServer;
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });
    const newTenant = async () => {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Brand ${crypto.randomUUID().slice(0, 8)}` } }));
      return { id: created.response.tenant.id as string, slug: new URL(created.response.tenant.issuer).pathname.slice(1) };
    };
    const get = (slug: string, headers = bearer()) => t.fetch(`/tenants/${slug}/branding`, { headers });
    const put = (slug: string, body: unknown, headers = bearer()) => t.fetch(`/tenants/${slug}/branding`, { method: 'PUT', body, headers });

    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    test('the built-in look by default; PUT replaces (left out is null again), GET reads it back by slug or id', async () => {
      const ten = await newTenant();
      assert.deepEqual((await get(ten.slug)).body, { tenant_id: ten.slug, ...NONE });
      const full = { logo_url: 'https://cdn.example/logo.svg?v=2', primary_color: '#0A7C59', background_color: '#fafafa' };
      const set = await put(ten.slug, full);
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(set.body, { tenant_id: ten.slug, ...full });
      assert.deepEqual((await get(ten.id)).body, { tenant_id: ten.slug, ...full });
      assert.deepEqual((await t.server.tenants.get({}, ten.id)).settings.branding, { logoUrl: full.logo_url, primaryColor: '#0A7C59', backgroundColor: '#fafafa' }, 'stored in the tenant model');
      const partial = await put(ten.slug, { primary_color: '#112233', logo_url: null });
      assert.deepEqual(partial.body, { tenant_id: ten.slug, logo_url: null, primary_color: '#112233', background_color: null });
      const loopback = await put(ten.slug, { logo_url: 'http://localhost:8080/logo.png' });
      assert.equal(loopback.status, 200, 'http on a loopback host is for development');
    });

    test('refusals are 422 naming the field, and write nothing', async () => {
      const ten = await newTenant();
      const kept = { logo_url: 'https://cdn.example/kept.png', primary_color: '#123456', background_color: null };
      assert.equal((await put(ten.slug, kept)).status, 200);
      const cases: Array<[unknown, Array<string | number>]> = [
        [{ primary_color: 'red' }, ['body', 'primary_color']],
        [{ primary_color: '#12345' }, ['body', 'primary_color']],
        [{ background_color: '#1234567' }, ['body', 'background_color']],
        [{ background_color: 'rgb(1,2,3)' }, ['body', 'background_color']],
        [{ logo_url: 'http://cdn.example/logo.png' }, ['body', 'logo_url']],
        [{ logo_url: 'javascript:alert(1)' }, ['body', 'logo_url']],
        [{ logo_url: 'data:image/png;base64,AAAA' }, ['body', 'logo_url']],
        [{ logo_url: 'https://user:pw@cdn.example/logo.png' }, ['body', 'logo_url']],
        [{ logo_url: '/relative.png' }, ['body', 'logo_url']],
        [{ logo_url: `https://cdn.example/${'a'.repeat(2100)}` }, ['body', 'logo_url']],
        [{ logo_url: 42 }, ['body', 'logo_url']],
        [{ primaryColor: '#123456' }, ['body', 'primaryColor']],
      ];
      for (const [body, loc] of cases) {
        const refused = await put(ten.slug, body);
        assert.equal(refused.status, 422, `${JSON.stringify(body)}: ${refused.text}`);
        assert.deepEqual(refused.body.detail.map((d: { loc: unknown }) => d.loc), [loc], JSON.stringify(body));
      }
      assert.equal((await put(ten.slug, [])).status, 422);
      assert.deepEqual((await get(ten.slug)).body, { tenant_id: ten.slug, ...kept }, 'nothing was written');
    });

    test('API key scope: none is 401, a key locked to another tenant 403, an unknown tenant 404', async () => {
      const ten = await newTenant();
      const other = await newTenant();
      const locked = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: other.id } }));
      const otherKey = { authorization: `Bearer ${locked.response.apiKey.key}` };
      assert.equal((await get(ten.slug, { authorization: '' })).status, 401);
      assert.equal((await put(ten.slug, { primary_color: '#000000' }, { authorization: '' })).status, 401);
      assert.equal((await get(ten.slug, otherKey)).status, 403);
      assert.equal((await put(ten.slug, { primary_color: '#000000' }, otherKey)).status, 403);
      assert.deepEqual((await get(ten.slug)).body, { tenant_id: ten.slug, ...NONE });
      const own = await put(other.slug, { primary_color: '#000000' }, otherKey);
      assert.equal(own.status, 200, 'its own tenant it may brand');
      const unknown = await get('no-such-tenant');
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { detail: 'Tenant not found' });
    });

    test('branding survives a FusionAuth replace and merge of the tenant (it is no FusionAuth field)', async () => {
      const ten = await newTenant();
      const branding = { logo_url: 'https://cdn.example/fa.png', primary_color: '#654321', background_color: '#000000' };
      assert.equal((await put(ten.slug, branding)).status, 200);
      const replaced = await attempt(t.client().updateTenant(ten.id, { tenant: { name: `Renamed ${crypto.randomUUID().slice(0, 8)}` } }));
      assert.equal(replaced.statusCode, 200);
      assert.ok(!JSON.stringify(replaced.response).includes('#654321'), 'not shown in the FusionAuth view');
      assert.equal((await attempt(t.client().patchTenant(ten.id, { tenant: { data: { patched: true } } as any }))).statusCode, 200);
      assert.deepEqual((await get(ten.slug)).body, { tenant_id: ten.slug, ...branding });
    });
  });
}
