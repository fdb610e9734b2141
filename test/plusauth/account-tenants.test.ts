/**
 * Who created a tenant, and PlusAuth's GET /users/{user_id}/tenants (seed 000), on every back
 * end over real HTTP: each tenant records the account of the key that created it, through any
 * of the three APIs; an account's list holds exactly its tenants, each with its region, ISO
 * times, keystore (the same keys, states and times as GET /tenants/{tenant_id}/keys), settings
 * and subscription; who may list and create; and the accounts API keys belong to.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';

const slug = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
type Caller = (path: string, init?: Parameters<TestServer['fetch']>[1]) => ReturnType<TestServer['fetch']>;

for (const backend of backends()) {
  describe(`an account's tenants on ${backend.name}`, () => {
    let t: TestServer;
    /** A new API key (made with the superuser key) and a fetch that presents it. */
    const newKey = async (apiKey: Record<string, unknown>): Promise<{ id: string; call: Caller }> => {
      const r = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey } });
      assert.equal(r.status, 200, r.text);
      return { id: r.body.apiKey.id, call: (path, init = {}) => t.fetch(path, { ...init, headers: { authorization: `Bearer ${r.body.apiKey.key}`, ...(init.headers ?? {}) } }) };
    };
    const ids = (list: { body: { results: Array<{ tenant_id: string }> } }) => list.body.results.map((r) => r.tenant_id);
    const permissions = { endpoints: { '/api/tenant': ['GET', 'POST'], '/tenants': ['GET', 'POST'], '/users': ['GET', 'POST'] } };
    let a: Caller;
    let b: Caller;
    const made: Record<string, string> = {};

    before(async () => {
      t = await startTestServer(backend, { region: 'eu-test-1' });
      a = (await newKey({ ownerId: 'acct-a', permissions })).call;
      b = (await newKey({ ownerId: 'acct-b', permissions })).call;
      // Account A makes a tenant through each API, account B one through FusionAuth.
      const fa = await a('/api/tenant', { method: 'POST', body: { tenant: { name: `A by FusionAuth ${slug('x')}` } } });
      assert.equal(fa.status, 200, fa.text);
      made.aFa = new URL(fa.body.tenant.issuer).pathname.slice(1);
      made.aVault = slug('a-vault');
      assert.equal((await a('/tenants', { method: 'POST', body: { tenant_id: made.aVault } })).status, 201);
      made.aPlusAuth = slug('a-plusauth');
      assert.equal((await a('/users/acct-a/tenants', { method: 'POST', body: { tenant_id: made.aPlusAuth } })).status, 201);
      const bFa = await b('/api/tenant', { method: 'POST', body: { tenant: { name: `B by FusionAuth ${slug('x')}` } } });
      made.bFa = new URL(bFa.body.tenant.issuer).pathname.slice(1);
    });
    after(async () => {
      await t?.stop();
    });

    test('each tenant records the account whose key created it, whichever API created it', async () => {
      for (const key of ['aFa', 'aVault', 'aPlusAuth']) assert.equal((await t.server.tenants.getBySlugOrId(made[key]!)).createdBy, 'acct-a', key);
      assert.equal((await t.server.tenants.getBySlugOrId(made.bFa!)).createdBy, 'acct-b');
      assert.equal((await t.server.tenants.getBySlugOrId('default')).createdBy, 'operator', 'the first-start tenant is the operator’s');
      // A FusionAuth copy is its creator's, not its source's.
      const source = (await t.server.tenants.getBySlugOrId(made.bFa!)).id;
      const copy = await a('/api/tenant', { method: 'POST', body: { tenant: { name: `A copy ${slug('x')}` }, sourceTenantId: source } });
      assert.equal(copy.status, 200, copy.text);
      assert.equal((await t.server.tenants.get({}, copy.body.tenant.id)).createdBy, 'acct-a');
      made.aCopy = new URL(copy.body.tenant.issuer).pathname.slice(1);
    });

    test('GET /users/{user_id}/tenants lists exactly the tenants that account created, oldest first', async () => {
      const mine = await a('/users/acct-a/tenants');
      assert.equal(mine.status, 200, mine.text);
      const expected = [made.aFa, made.aVault, made.aPlusAuth, ...(made.aCopy ? [made.aCopy] : [])];
      assert.deepEqual(ids(mine), expected);
      assert.equal(mine.body.total, expected.length);
      assert.deepEqual(Object.keys(mine.body).sort(), ['results', 'total']);
      assert.deepEqual(ids(await t.fetch('/users/acct-a/tenants')), expected, 'a superuser key may list any account');
      assert.deepEqual(ids(await b('/users/acct-b/tenants')), [made.bFa]);
      const operator = ids(await t.fetch('/users/operator/tenants'));
      assert.ok(operator.includes('default') && !operator.some((id) => expected.includes(id) || id === made.bFa), operator.join());
      assert.deepEqual(await t.fetch('/users/nobody-at-all/tenants').then((r) => r.body), { results: [], total: 0 });
    });

    test('each entry: tenant_id, region, ISO times, the keystore exactly as GET /tenants/{tenant_id}/keys, settings, subscription', async () => {
      const target = made.aFa!;
      // Give the keystore history: a rotation (previous keys with rotated_at) and a revocation.
      const rotated = await t.fetch(`/tenants/${target}/keys/rotate`, { method: 'POST' });
      assert.equal(rotated.status, 200, rotated.text);
      const next = rotated.body.keystore.find((e: { state: string }) => e.state === 'next');
      assert.equal((await t.fetch(`/tenants/${target}/keys/${next.key.kid}/revoke`, { method: 'POST' })).status, 200);
      const keys = await t.fetch(`/tenants/${target}/keys`);
      const entry = (await a('/users/acct-a/tenants')).body.results.find((r: { tenant_id: string }) => r.tenant_id === target);
      assert.deepEqual(Object.keys(entry), ['tenant_id', 'region', 'created_at', 'updated_at', 'keystore', 'settings', 'subscription']);
      assert.deepEqual(entry.keystore, keys.body.keystore, 'the same keys, states and epoch-ms times');
      const states = entry.keystore.map((e: { state: string }) => e.state);
      assert.ok(states.includes('previous') && states.includes('revoked') && states.includes('current') && states.includes('next'), states.join());
      assert.ok(entry.keystore.some((e: { rotated_at?: number; revoked_at?: number }) => typeof e.rotated_at === 'number' && e.rotated_at > 0));
      assert.ok(entry.keystore.some((e: { revoked_at?: number }) => typeof e.revoked_at === 'number' && e.revoked_at > 0));
      assert.equal(entry.region, 'eu-test-1', 'TESSERA_REGION, recorded when the tenant was created');
      const stored = await t.server.tenants.getBySlugOrId(target);
      assert.equal(entry.created_at, new Date(stored.insertInstant).toISOString());
      assert.equal(entry.updated_at, new Date(stored.lastUpdateInstant).toISOString());
      assert.match(entry.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.deepEqual(entry.settings, (await t.fetch(`/tenants/${target}/settings`)).body);
      const subscription = await t.fetch(`/tenants/${entry.tenant_id}/subscription`, { headers: { authorization: `Bearer ${t.apiKey}` } });
      assert.equal(subscription.status, 200, subscription.text);
      assert.deepEqual(entry.subscription, subscription.body, 'the plan and its details, as GET /tenants/{tenant_id}/subscription shows them');
      assert.equal(stored.settings.region, 'eu-test-1');
    });

    test('who may list and create: the account’s keys and superuser keys; a tenant-locked key sees only its tenant', async () => {
      const forbidden = await b('/users/acct-a/tenants');
      assert.deepEqual([forbidden.status, forbidden.body.error], [403, 'forbidden']);
      const none = await t.fetch('/users/acct-a/tenants', { headers: { authorization: '' } });
      assert.deepEqual([none.status, none.body.error], [401, 'unauthorized']);
      const aVaultId = (await t.server.tenants.getBySlugOrId(made.aVault!)).id;
      const locked = (await newKey({ ownerId: 'acct-a', tenantId: aVaultId })).call;
      assert.deepEqual(ids(await locked('/users/acct-a/tenants')), [made.aVault], 'only its own tenant');
      assert.equal((await locked('/users/acct-b/tenants')).status, 403);
      assert.equal((await locked('/users/acct-a/tenants', { method: 'POST', body: { tenant_id: slug('locked') } })).status, 403, 'a locked key creates no tenant');
      assert.equal((await b('/users/acct-a/tenants', { method: 'POST', body: { tenant_id: slug('for-a') } })).status, 403, "no tenant in another account's name");
      const forB = slug('for-b');
      const onBehalf = await t.fetch('/users/acct-b/tenants', { method: 'POST', body: { tenant_id: forB } });
      assert.equal(onBehalf.status, 201, 'a superuser key may create one for an account');
      assert.ok(ids(await b('/users/acct-b/tenants')).includes(forB));
      const badAccount = await t.fetch('/users/has%20space/tenants');
      assert.deepEqual([badAccount.status, badAccount.body.details?.[0]?.field], [400, 'user_id']);
      const unknownUrl = await t.fetch('/users/acct-a/nothing-here');
      assert.deepEqual([unknownUrl.status, unknownUrl.body.error], [404, 'not_found'], "PlusAuth's shape under /users");
    });

    test('POST /users/{user_id}/tenants refuses a tenant_id that is taken, reserved or malformed, naming it', async () => {
      for (const [id, code] of [[made.aVault!, 'duplicate'], ['default', 'duplicate'], ['api', 'invalid'], ['Upper', 'pattern'], [crypto.randomUUID(), 'invalid']] as const) {
        const r = await t.fetch('/users/acct-a/tenants', { method: 'POST', body: { tenant_id: id } });
        assert.equal(r.status, 400, `${id}: ${r.text}`);
        assert.deepEqual(r.body.details.map((d: { field: string; code: string }) => [d.field, d.code]), [['tenant_id', code]], id);
      }
      const badSetting = await t.fetch('/users/acct-a/tenants', { method: 'POST', body: { tenant_id: slug('bad'), settings: { ttl: { session: 10 } } } });
      assert.deepEqual([badSetting.status, badSetting.body.details[0].field], [400, 'settings.ttl.session']);
      const withSettings = await t.fetch('/users/acct-a/tenants', { method: 'POST', body: { tenant_id: slug('with'), settings: { hash_function: 'argon2', ttl: { session: 900 } } } });
      assert.equal(withSettings.status, 201, withSettings.text);
      assert.deepEqual([withSettings.body.settings.hash_function, withSettings.body.settings.ttl.session, withSettings.body.settings.policies.account_blocking.allowed_attempts], ['argon2', 900, 10]);
    });

    test('API keys: a key made by a key belongs to its account; only a superuser key names another; the account never changes', async () => {
      const manager = await newKey({ ownerId: 'acct-m', keyManager: true, permissions: { endpoints: { '/api/api-key': ['GET', 'POST', 'PUT'] } } });
      const child = await manager.call('/api/api-key', { method: 'POST', body: { apiKey: {} } });
      assert.equal(child.status, 200, child.text);
      assert.equal(child.body.apiKey.ownerId, 'acct-m');
      const other = await manager.call('/api/api-key', { method: 'POST', body: { apiKey: { ownerId: 'acct-elsewhere' } } });
      assert.deepEqual([other.status, other.text], [401, ''], 'FusionAuth answers "not permitted" with an empty 401');
      const listed = await t.fetch(`/api/api-key/${child.body.apiKey.id}`);
      assert.equal(listed.body.apiKey.ownerId, 'acct-m');
      const moved = await t.fetch(`/api/api-key/${child.body.apiKey.id}`, { method: 'PUT', body: { apiKey: { ownerId: 'acct-elsewhere' } } });
      assert.equal(moved.status, 400);
      assert.deepEqual(moved.body.fieldErrors['apiKey.ownerId'].map((e: { code: string }) => e.code), ['[invalid]apiKey.ownerId']);
      assert.equal((await t.fetch(`/api/api-key/${child.body.apiKey.id}`, { method: 'PUT', body: { apiKey: { ownerId: 'acct-m' } } })).status, 200, 'the same account is no change');
      const badOwner = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey: { ownerId: 'has space' } } });
      assert.equal(badOwner.status, 400);
      const firstStart = (await t.fetch('/api/api-key')).body.apiKeys.find((k: { metaData: { attributes: { description?: string } } }) => k.metaData.attributes.description === 'Superuser key created on first start');
      assert.equal(firstStart.ownerId, 'operator');
    });
  });
}
