/**
 * Vault client API (seed 004) on every back end, over real HTTP: CRUD with every field, the
 * secret shown once and stored as a hash, the redirect-URI rules, public clients, tenant
 * isolation, the anonymous Get Client / Get Client Tenant subsets, paging and change events.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ChangeEvent } from '../../src/core/events/change-events.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

const FULL = {
  name: 'Every Field',
  redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:8080/cb', 'com.example.app:/oauth2redirect'],
  post_logout_redirect_uri: ['https://app.example/bye', 'http://[::1]/bye'],
  allowed_scopes: ['openid', 'profile', 'email'],
  token_endpoint_auth_method: 'client_secret_basic',
  logo_uri: 'https://app.example/logo.png',
  op_policy_url: 'https://app.example/policy',
  op_tos_url: 'https://app.example/tos',
  op_user_agreement_url: 'https://app.example/agreement',
  client_uri: 'https://app.example/',
  client_logout_uri: 'https://app.example/logout',
  register_enable: true,
  tenant_name: 'Shown Tenant Name',
  client_type: 'confidential',
  is_lock: true,
  sing_alg: 'RS256',
  flow: { type: 'microsoft-mfa', issuer: 'https://login.example/issuer' },
  consent_required: true,
};

/** Fields only the admin API shows: none may appear in an anonymous answer. */
const ADMIN_FIELDS = ['redirect_uris', 'post_logout_redirect_uri', 'allowed_scopes', 'token_endpoint_auth_method', 'client_secret', 'client_type', 'is_lock', 'sing_alg', 'flow', 'consent_required'];

for (const backend of backends()) {
  describe(`Vault client API on ${backend.name}`, () => {
    let t: TestServer;
    let slug: string;
    let tenantId: string;
    let otherSlug: string;
    let otherId: string;
    const events: ChangeEvent[] = [];
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });
    const api = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(path, { ...init, headers: { ...bearer(), ...(init.headers ?? {}) } });
    const anonymous = (path: string) => t.fetch(path, { headers: { authorization: '' } });
    const create = (body: Record<string, unknown>, tenant = slug) => api('/clients', { method: 'POST', body: { tenant_id: tenant, ...body } });
    const row = (tenant: string, clientId: string) => t.server.database.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenant).where('client_id', '=', clientId).executeTakeFirst();
    const newTenant = async (prefix: string) => {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `${prefix} ${crypto.randomUUID().slice(0, 8)}` } }));
      return { id: created.response.tenant.id as string, slug: new URL(created.response.tenant.issuer).pathname.slice(1) };
    };

    before(async () => {
      t = await startTestServer(backend);
      ({ id: tenantId, slug } = await newTenant('Vault Clients'));
      ({ id: otherId, slug: otherSlug } = await newTenant('Other Clients'));
      t.server.changes.subscribe((event) => events.push(event));
    });
    after(async () => {
      await t?.stop();
    });

    test('create (200, as the seed lists it) with every field, read back in list; PUT replaces; DELETE removes', async () => {
      const created = await create({ client_id: 'every.field', ...FULL });
      assert.equal(created.status, 200, created.text);
      const { client_secret: secret, ...shown } = created.body;
      assert.deepEqual(shown, { client_id: 'every.field', tenant_id: slug, ...FULL });
      assert.match(secret, /^[A-Za-z0-9_-]{43,}$/, 'a generated secret: 32 random bytes, base64url');

      const list = await api(`/clients?tenant_id=${slug}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body, { clients: [{ ...shown, client_secret: null }] });
      const byUuid = await api(`/clients?tenant_id=${tenantId}`);
      assert.deepEqual(byUuid.body, list.body, 'the tenant UUID names it as well as the slug');

      const replaced = await api('/clients/every.field', { method: 'PUT', body: { client_id: 'every.field', tenant_id: slug, name: 'Renamed', redirect_uris: ['https://new.example/cb'] } });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.text, 'null', 'the seed answers Update Client with null');
      const after = (await api(`/clients?tenant_id=${slug}`)).body.clients[0];
      assert.deepEqual(after, {
        client_id: 'every.field',
        name: 'Renamed',
        tenant_id: slug,
        redirect_uris: ['https://new.example/cb'],
        post_logout_redirect_uri: [],
        allowed_scopes: ['openid'],
        token_endpoint_auth_method: 'client_secret_post',
        logo_uri: null,
        op_policy_url: null,
        op_tos_url: null,
        op_user_agreement_url: null,
        client_uri: null,
        client_logout_uri: null,
        register_enable: false,
        tenant_name: null,
        client_secret: null,
        client_type: 'confidential',
        is_lock: false,
        sing_alg: 'EdDSA',
        flow: null,
        consent_required: false,
      }, 'fields left out return to the seed defaults (consent_required, the Tessera extension, to false)');
      const stored = await row(tenantId, 'every.field');
      assert.equal(stored?.secret_hash, crypto.createHash('sha256').update(secret).digest('hex'), 'the secret survives a PUT that gives none');
      assert.equal(await t.server.clients.authenticate(await t.server.tenants.getBySlugOrId(slug), 'every.field', secret).then((c) => c?.clientId), 'every.field');

      const deleted = await api(`/clients/every.field?tenant_id=${slug}`, { method: 'DELETE' });
      assert.equal(deleted.status, 204, deleted.text);
      assert.equal(await row(tenantId, 'every.field'), undefined);
      assert.deepEqual((await api(`/clients?tenant_id=${slug}`)).body, { clients: [] });
      assert.equal((await api(`/clients/every.field?tenant_id=${slug}`, { method: 'DELETE' })).status, 404);
      const missing = await api('/clients/every.field', { method: 'PUT', body: { client_id: 'every.field', tenant_id: slug, name: 'Gone' } });
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: 'Client not found' });
    });

    test('the secret is shown once, stored as SHA-256, never listed or read; a given one is kept', async () => {
      const given = 'a-caller-chosen-secret-of-32-chars!';
      const created = await create({ client_id: 'given-secret', name: 'Given', client_secret: given });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.body.client_secret, given);
      const stored = await row(tenantId, 'given-secret');
      assert.equal(stored?.secret_hash, crypto.createHash('sha256').update(given).digest('hex'));
      assert.ok(!JSON.stringify(stored).includes(given), 'the row holds no plain secret');
      for (const path of [`/clients?tenant_id=${slug}`, `/client?client_id=given-secret&tenant_id=${slug}`, `/client/tenant?client_id=given-secret&tenant_id=${slug}`]) {
        const answer = await api(path);
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
        assert.ok(!answer.text.includes(given) && !answer.text.includes(stored!.secret_hash!), `${path} shows neither the secret nor its hash`);
      }
      const short = await create({ client_id: 'short-secret', name: 'Short', client_secret: 'x'.repeat(31) });
      assert.equal(short.status, 422);
      assert.deepEqual(short.body.detail.map((d: any) => d.loc), [['body', 'client_secret']]);

      const rotated = 'b-new-secret-given-on-replace-000000';
      assert.equal((await api('/clients/given-secret', { method: 'PUT', body: { client_id: 'given-secret', tenant_id: slug, name: 'Given', client_secret: rotated } })).status, 200);
      assert.equal((await row(tenantId, 'given-secret'))?.secret_hash, crypto.createHash('sha256').update(rotated).digest('hex'));
      const tenant = await t.server.tenants.getBySlugOrId(slug);
      assert.equal(await t.server.clients.authenticate(tenant, 'given-secret', given), undefined, 'the old secret no longer matches');
      assert.ok(await t.server.clients.authenticate(tenant, 'given-secret', rotated));
    });

    test('each redirect URI refusal is a 422 naming the field and index', async () => {
      const refused: string[] = [
        '/relative/path',
        'https://app.example/cb#fragment',
        'https://app.example/cb#',
        'https://*.example/cb',
        'https://app.example/*',
        'javascript:alert(1)',
        'data:text/html,hi',
        'file:///etc/passwd',
        'custom:/no-period-scheme',
        'com.example.app//missing-colon-slash',
        'http://app.example/cb',
        'http://localhost.evil.example/cb',
        'https://user:pass@app.example/cb',
        'https://user@app.example/cb',
        `https://app.example/${'a'.repeat(2048)}`,
        'https://app.example/with space',
        'https:\\\\app.example\\cb',
        'https:app.example/cb',
      ];
      for (const [field, wire] of [['redirect_uris', 'redirect_uris'], ['post_logout_redirect_uri', 'post_logout_redirect_uri']] as const) {
        for (const uri of refused) {
          const answer = await create({ client_id: 'refused', name: 'Refused', [field]: ['https://fine.example/cb', 'http://localhost:3000/cb', uri] });
          assert.equal(answer.status, 422, `${field} ${uri}: ${answer.status} ${answer.text}`);
          assert.deepEqual(answer.body.detail.map((d: any) => d.loc), [['body', wire, 2]], `${field} ${uri}: ${answer.text}`);
        }
      }
      assert.equal(await row(tenantId, 'refused'), undefined, 'nothing was stored');
      const accepted = await create({ client_id: 'loopbacks', name: 'Loopbacks', redirect_uris: ['http://localhost/cb', 'http://127.0.0.1:51000/cb', 'http://[::1]:8080/cb', 'com.example.app:/cb', 'https://app.example/cb?x=1'] });
      assert.equal(accepted.status, 200, accepted.text);
      assert.deepEqual(accepted.body.redirect_uris, ['http://localhost/cb', 'http://127.0.0.1:51000/cb', 'http://[::1]:8080/cb', 'com.example.app:/cb', 'https://app.example/cb?x=1'], 'stored as given');
      const display = await create({ client_id: 'bad-logo', name: 'Bad logo', logo_uri: 'javascript:alert(1)' });
      assert.equal(display.status, 422);
      assert.deepEqual(display.body.detail.map((d: any) => d.loc), [['body', 'logo_uri']], 'display URLs are links on pages: http(s) only');
    });

    test('public clients have no secret and use none; confidential ones need a secret method', async () => {
      const pub = await create({ client_id: 'spa', name: 'SPA', client_type: 'public', redirect_uris: ['https://spa.example/cb'] });
      assert.equal(pub.status, 200, pub.text);
      assert.equal(pub.body.client_secret, null);
      assert.equal(pub.body.token_endpoint_auth_method, 'none', 'a public client defaults to none');
      assert.equal((await row(tenantId, 'spa'))?.secret_hash, null);
      const tenant = await t.server.tenants.getBySlugOrId(slug);
      assert.equal(await t.server.clients.authenticate(tenant, 'spa', ''), undefined, 'a public client matches no secret');

      const cases: Array<[Record<string, unknown>, string]> = [
        [{ client_type: 'public', token_endpoint_auth_method: 'client_secret_post' }, 'token_endpoint_auth_method'],
        [{ client_type: 'public', client_secret: 'x'.repeat(40) }, 'client_secret'],
        [{ client_type: 'confidential', token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
        [{ token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
      ];
      for (const [body, field] of cases) {
        const answer = await create({ client_id: 'mixed', name: 'Mixed', ...body });
        assert.equal(answer.status, 422, JSON.stringify(body));
        assert.deepEqual(answer.body.detail.map((d: any) => d.loc), [['body', field]], `${JSON.stringify(body)}: ${answer.text}`);
      }

      // A public client made confidential by PUT must be given a secret: a replace shows none.
      const noSecret = await api('/clients/spa', { method: 'PUT', body: { client_id: 'spa', tenant_id: slug, name: 'SPA', client_type: 'confidential' } });
      assert.equal(noSecret.status, 422);
      assert.deepEqual(noSecret.body.detail.map((d: any) => d.loc), [['body', 'client_secret']]);
      const withSecret = await api('/clients/spa', { method: 'PUT', body: { client_id: 'spa', tenant_id: slug, name: 'SPA', client_type: 'confidential', client_secret: 's'.repeat(32) } });
      assert.equal(withSecret.status, 200, withSecret.text);
      assert.ok((await row(tenantId, 'spa'))?.secret_hash);
      // And back: a client that becomes public loses its secret.
      assert.equal((await api('/clients/spa', { method: 'PUT', body: { client_id: 'spa', tenant_id: slug, name: 'SPA', client_type: 'public' } })).status, 200);
      assert.equal((await row(tenantId, 'spa'))?.secret_hash, null);
    });

    test('other validation: ids, duplicates, enums, path and body disagreeing, query ranges', async () => {
      const cases: Array<[Record<string, unknown>, Array<string | number>]> = [
        [{ client_id: 'has space', name: 'X' }, ['body', 'client_id']],
        [{ client_id: 'x'.repeat(256), name: 'X' }, ['body', 'client_id']],
        [{ client_id: 'ok-id', name: '' }, ['body', 'name']],
        [{ client_id: 'ok-id', name: '   ' }, ['body', 'name']],
        [{ client_id: 'ok-id', name: 'X', sing_alg: 'HS256' }, ['body', 'sing_alg']],
        [{ client_id: 'ok-id', name: 'X', client_type: 'private' }, ['body', 'client_type']],
        [{ client_id: 'ok-id', name: 'X', allowed_scopes: ['open id'] }, ['body', 'allowed_scopes', 0]],
        [{ client_id: 'ok-id', name: 'X', flow: { type: 'bad type!' } }, ['body', 'flow', 'type']],
        [{ client_id: 'ok-id', name: 'X', flow: { type: 'mfa', issuer: 'ftp://x.example' } }, ['body', 'flow', 'issuer']],
        [{ client_id: 'ok-id', name: 'X', redirect_uris: 'https://app.example/cb' }, ['body', 'redirect_uris']],
      ];
      for (const [body, loc] of cases) {
        const answer = await create(body);
        assert.equal(answer.status, 422, `${JSON.stringify(body).slice(0, 100)} → ${answer.text}`);
        assert.ok(answer.body.detail.some((d: any) => JSON.stringify(d.loc) === JSON.stringify(loc)), `${JSON.stringify(body).slice(0, 100)}: ${answer.text}`);
      }
      assert.equal((await api('/clients', { method: 'POST', body: { client_id: 'no-tenant', name: 'X' } })).status, 422);
      assert.equal((await create({ client_id: 'twice', name: 'One' })).status, 200);
      const again = await create({ client_id: 'twice', name: 'Two' });
      assert.equal(again.status, 422);
      assert.deepEqual(again.body.detail.map((d: any) => [d.loc, d.type]), [[['body', 'client_id'], 'value_error.duplicate']]);
      assert.equal((await create({ client_id: 'twice', name: 'Elsewhere' }, otherSlug)).status, 200, 'client ids are unique per tenant only');
      const mismatch = await api('/clients/twice', { method: 'PUT', body: { client_id: 'other', tenant_id: slug, name: 'X' } });
      assert.equal(mismatch.status, 422);
      assert.deepEqual(mismatch.body.detail[0].loc, ['body', 'client_id']);
      for (const query of ['skip=-1', 'limit=0', 'limit=501', 'limit=ten']) {
        const answer = await api(`/clients?tenant_id=${slug}&${query}`);
        assert.equal(answer.status, 422, query);
        assert.equal(answer.body.detail[0].loc[0], 'query');
      }
      assert.deepEqual((await api('/clients')).body.detail[0].loc, ['query', 'tenant_id']);
    });

    test("a client of tenant A is reachable neither through tenant B nor with a key locked to B", async () => {
      assert.equal((await create({ client_id: 'isolated', name: 'Isolated' })).status, 200);
      const viaOther = await api(`/clients?tenant_id=${otherSlug}`);
      assert.ok(!viaOther.text.includes('"isolated"'), 'not listed under B');
      assert.equal((await api(`/clients/isolated?tenant_id=${otherSlug}`, { method: 'DELETE' })).status, 404);
      assert.equal((await api('/clients/isolated', { method: 'PUT', body: { client_id: 'isolated', tenant_id: otherSlug, name: 'Hijack' } })).status, 404);
      assert.equal((await anonymous(`/client?client_id=isolated&tenant_id=${otherSlug}`)).status, 404);
      assert.equal((await anonymous(`/client/tenant?client_id=isolated&tenant_id=${otherSlug}`)).status, 404);

      const key = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: otherId } }));
      const lockedToB = { authorization: `Bearer ${key.response.apiKey.key}` };
      const attempts = [
        api(`/clients?tenant_id=${slug}`, { headers: lockedToB }),
        api(`/clients?tenant_id=${tenantId}`, { headers: lockedToB }),
        api('/clients', { method: 'POST', headers: lockedToB, body: { client_id: 'sneaky', name: 'X', tenant_id: slug } }),
        api('/clients/isolated', { method: 'PUT', headers: lockedToB, body: { client_id: 'isolated', tenant_id: slug, name: 'Hijack' } }),
        api(`/clients/isolated?tenant_id=${slug}`, { method: 'DELETE', headers: lockedToB }),
      ];
      for (const answer of await Promise.all(attempts)) {
        assert.equal(answer.status, 403, answer.text);
        assert.equal(typeof answer.body.detail, 'string');
      }
      assert.equal((await row(tenantId, 'isolated'))?.name, 'Isolated', 'unchanged');
      assert.equal(await row(tenantId, 'sneaky'), undefined);
      const own = await api(`/clients?tenant_id=${otherSlug}`, { headers: lockedToB });
      assert.equal(own.status, 200, 'its own tenant it reaches');

      const unknown = await api('/clients?tenant_id=no-such-tenant');
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { detail: 'Tenant not found' });
      assert.deepEqual((await anonymous(`/client?client_id=isolated&tenant_id=${crypto.randomUUID()}`)).body, { detail: 'Tenant not found' });
      const noKey = await t.fetch(`/clients?tenant_id=${slug}`, { headers: { authorization: '' } });
      assert.equal(noKey.status, 401);
      assert.deepEqual(noKey.body, { detail: 'Not authenticated' });
    });

    test('Get Client and Get Client Tenant answer without a credential, with the public subset only', async () => {
      assert.equal((await create({ client_id: 'shown', ...FULL })).status, 200);
      const client = await anonymous(`/client?client_id=shown&tenant_id=${slug}`);
      assert.equal(client.status, 200, client.text);
      const expected = {
        client_id: 'shown',
        name: FULL.name,
        tenant_id: slug,
        logo_uri: FULL.logo_uri,
        op_policy_url: FULL.op_policy_url,
        op_tos_url: FULL.op_tos_url,
        op_user_agreement_url: FULL.op_user_agreement_url,
        client_uri: FULL.client_uri,
        client_logout_uri: FULL.client_logout_uri,
        register_enable: true,
        tenant_name: FULL.tenant_name,
        has_profile: false,
      };
      assert.deepEqual(client.body, expected);
      const withTenant = await anonymous(`/client/tenant?client_id=shown&tenant_id=${tenantId}`);
      assert.equal(withTenant.status, 200, withTenant.text);
      assert.deepEqual(Object.keys(withTenant.body).sort(), ['client', 'tenant']);
      assert.deepEqual(withTenant.body.client, expected);
      assert.deepEqual(withTenant.body.tenant, {
        tenant_id: slug,
        register_enable: false,
        use_pin: true,
        pin_size: 6,
        use_pattern: true,
        patter_size: 3,
        use_face_recognition: false,
        use_liveness: false,
        display_name: (await t.server.tenants.getBySlugOrId(slug)).name,
        show_pin_when_typing: true,
        login_order: ['PIN'],
        passkey_enabled: false,
        has_username_and_email: true,
        liveness_config: null,
      });
      for (const answer of [client, withTenant]) {
        for (const field of ADMIN_FIELDS) assert.ok(!answer.text.includes(`"${field}"`), `no ${field} in ${answer.text}`);
        assert.ok(!answer.text.includes('https://app.example/cb'), 'no redirect URI');
      }
      const missing = await anonymous(`/client?client_id=nobody&tenant_id=${slug}`);
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: 'Client not found' });
      const bad = await anonymous(`/client?client_id=has%20space&tenant_id=${slug}`);
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.detail[0].loc, ['query', 'client_id']);
      assert.deepEqual((await anonymous('/client/nothing-here')).body, { detail: 'Not Found' }, 'unknown URLs under /client are Vault-shaped');
    });

    test('failures under /clients and /client are in the Vault shape', async () => {
      const malformed = await api('/clients', { method: 'POST', rawBody: '{"client_id":' });
      assert.equal(malformed.status, 422);
      assert.deepEqual(malformed.body.detail[0].loc, ['body']);
      const form = await api('/clients', { method: 'POST', rawBody: 'client_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415);
      assert.equal(typeof form.body.detail, 'string');
      assert.deepEqual((await api('/clients/a/b')).body, { detail: 'Not Found' });
      assert.deepEqual((await t.fetch('/clients/a/b', { headers: { authorization: '' } })).body, { detail: 'Not Found' }, 'unknown URLs are 404 with or without a key');
      const badEscape = await api('/client?client_id=%zz&tenant_id=default');
      assert.ok(badEscape.status >= 400 && badEscape.status < 500, `${badEscape.status}`);
    });

    test('paging: skip and limit over clients in creation order', async () => {
      const { slug: paged } = await newTenant('Paged Clients');
      for (let i = 0; i < 7; i++) assert.equal((await create({ client_id: `page-${i}`, name: `Page ${i}`, client_type: 'public' }, paged)).status, 200);
      const ids = async (query: string) => ((await api(`/clients?tenant_id=${paged}&${query}`)).body.clients as Array<{ client_id: string }>).map((c) => c.client_id);
      assert.deepEqual(await ids(''), ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6'], 'default skip 0, limit 100');
      assert.deepEqual(await ids('limit=3'), ['page-0', 'page-1', 'page-2']);
      assert.deepEqual(await ids('skip=3&limit=3'), ['page-3', 'page-4', 'page-5']);
      assert.deepEqual(await ids('skip=6&limit=3'), ['page-6']);
      assert.deepEqual(await ids('skip=7'), []);
    });

    test("deleting a tenant deletes its clients", async () => {
      const doomed = await newTenant('Doomed Clients');
      assert.equal((await create({ client_id: 'doomed', name: 'Doomed' }, doomed.slug)).status, 200);
      assert.ok(await row(doomed.id, 'doomed'));
      await attempt(t.client().deleteTenant(doomed.id));
      assert.equal(await row(doomed.id, 'doomed'), undefined);
      assert.equal((await anonymous(`/client?client_id=doomed&tenant_id=${doomed.slug}`)).status, 404);
    });

    test('every write publishes its change event; refused writes publish none', async () => {
      const mine = () => events.filter((e) => e.type.startsWith('client.') && (e as { clientId?: string }).clientId === 'evented');
      assert.equal((await create({ client_id: 'evented', name: 'Evented' })).status, 200);
      assert.equal((await create({ client_id: 'evented', name: 'Evented again' })).status, 422);
      assert.equal((await api('/clients/evented', { method: 'PUT', body: { client_id: 'evented', tenant_id: slug, name: 'Changed' } })).status, 200);
      assert.equal((await api('/clients/evented', { method: 'PUT', body: { client_id: 'evented', tenant_id: slug, name: 'Refused', redirect_uris: ['http://evil.example'] } })).status, 422);
      assert.equal((await api(`/clients/evented?tenant_id=${slug}`, { method: 'DELETE' })).status, 204);
      assert.equal((await api(`/clients/evented?tenant_id=${slug}`, { method: 'DELETE' })).status, 404);
      assert.deepEqual(mine(), [
        { type: 'client.created', clientId: 'evented', tenantId },
        { type: 'client.updated', clientId: 'evented', tenantId },
        { type: 'client.deleted', clientId: 'evented', tenantId },
      ]);
      const feed = await t.server.storage.changes.since(0, 10_000);
      assert.deepEqual(
        feed.filter((c) => c.type.startsWith('client.') && c.payload.clientId === 'evented').map((c) => c.type),
        ['client.created', 'client.updated', 'client.deleted'],
        'written to the feed other instances read',
      );
    });
  });
}
