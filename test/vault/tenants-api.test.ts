/**
 * The Vault tenant API (seed 004) on every back end, over real HTTP: a tenant created with only
 * its tenant_id shows every documented default, field by field; every bound holds at its edges
 * (the edge accepted, one past it a 422 naming the field, and nothing written); a replace
 * returns left-out members to their defaults; who may list, read, create and replace; and a
 * Vault-made tenant works with the Vault routes that were there before it.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { differences, fingerprinter, type Fingerprinter } from '../support/fuzz/fingerprint.js';
import { type TestServer, startTestServer } from '../support/server.js';

/** Read Tenant of a tenant created with nothing but its tenant_id: seed 004's defaults. */
const DEFAULTS = {
  register_enable: false,
  is_2fa: false,
  use_pin: true,
  pin_size: 6,
  use_pattern: true,
  patter_size: 3,
  use_face_recognition: false,
  use_liveness: false,
  display_name: '',
  show_pin_when_typing: true,
  block_config: { ip_attempts_limit: 5, ip_attempts_reset_minutes: 10080, user_attempts_limit: 15, user_timeframe_seconds: 300, initial_block_seconds: 60, max_block_time_minutes: 2880 },
  login_order: ['PIN'],
  passkey_enabled: false,
  has_username_and_email: true,
  liveness_config: null,
};

const LIVENESS_DEFAULTS = { number_steps_min: 4, number_steps_max: 6, duration_in_seconds: 10, number_of_allowed_failures: 1, gesture_set: [], number_blinks_max: 0, number_blinks_min: 10000 };

const slug = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

for (const backend of backends()) {
  describe(`Vault tenant API on ${backend.name}`, () => {
    let t: TestServer;
    let fingerprint: Fingerprinter;
    const vault = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(path, { ...init, headers: { authorization: `Bearer ${t.apiKey}`, ...(init.headers ?? {}) } });
    const read = async (id: string) => {
      const r = await vault(`/tenants/${id}`);
      assert.equal(r.status, 200, r.text);
      return r.body;
    };
    /** A request that must be refused with a 422 naming `loc`, leaving the database as it was. */
    const refused = async (path: string, method: string, body: unknown, loc: Array<string | number>) => {
      const before = await fingerprint.take();
      const r = await vault(path, { method, body });
      assert.equal(r.status, 422, `${method} ${JSON.stringify(body)}: ${r.text}`);
      assert.ok(r.body.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(loc)), `${JSON.stringify(body)}: ${JSON.stringify(loc)} is named in ${r.text}`);
      assert.deepEqual(differences(before, await fingerprint.take()), [], 'nothing written');
    };

    let shared: string;
    before(async () => {
      t = await startTestServer(backend);
      fingerprint = await fingerprinter(t.server.database.db);
      shared = slug('shared');
      const created = await vault('/tenants', { method: 'POST', body: { tenant_id: shared } });
      assert.equal(created.status, 201, created.text);
    });
    after(async () => {
      await t?.stop();
    });

    test('Create Tenant with only a tenant_id: 201, a null body, and every documented default, field by field', async () => {
      const id = slug('defaults');
      const created = await vault('/tenants', { method: 'POST', body: { tenant_id: id } });
      assert.equal(created.status, 201);
      assert.equal(created.text, 'null', 'seed 004 answers Create Tenant with null');
      const tenant = await read(id);
      assert.deepEqual(tenant, { tenant_id: id, ...DEFAULTS });
      assert.deepEqual(Object.keys(tenant), ['tenant_id', 'register_enable', 'is_2fa', 'use_pin', 'pin_size', 'use_pattern', 'patter_size', 'use_face_recognition', 'use_liveness', 'display_name', 'show_pin_when_typing', 'block_config', 'login_order', 'passkey_enabled', 'has_username_and_email', 'liveness_config'], "the seed's members, in its order");
      // Named after its tenant_id (every tenant has a name); FusionAuth shows that name.
      const stored = await t.server.tenants.getBySlugOrId(id);
      assert.equal(stored.name, id);
      // Per-IP blocking is on: the Vault service always limits addresses.
      assert.equal(stored.settings.ipBruteForce.enabled, true);
      assert.equal(stored.settings.ipBruteForce.windowSeconds, 10080 * 60);
      assert.equal(stored.settings.userLockout.maxBlockSeconds, 2880 * 60);
    });

    test('every field given is read back as given; a liveness_config given in part takes the other defaults', async () => {
      const id = slug('given');
      const body = {
        tenant_id: id,
        display_name: `Given ${id}`,
        register_enable: true,
        is_2fa: true,
        use_pin: false,
        pin_size: 8,
        use_pattern: false,
        patter_size: 4,
        use_face_recognition: true,
        use_liveness: true,
        show_pin_when_typing: false,
        block_config: { ip_attempts_limit: 20, ip_attempts_reset_minutes: 30, user_attempts_limit: 3, user_timeframe_seconds: 120, initial_block_seconds: 30, max_block_time_minutes: 10 },
        login_order: ['PATTERN', 'PIN'],
        passkey_enabled: true,
        has_username_and_email: false,
        liveness_config: { number_steps_min: 2, number_steps_max: 3, duration_in_seconds: 20, number_of_allowed_failures: 0, gesture_set: ['smile', 'turn-left'], number_blinks_max: 4, number_blinks_min: 1 },
      };
      assert.equal((await vault('/tenants', { method: 'POST', body })).status, 201);
      assert.deepEqual(await read(id), body);

      const partial = slug('partial');
      assert.equal((await vault('/tenants', { method: 'POST', body: { tenant_id: partial, liveness_config: { number_steps_max: 9 }, block_config: { user_attempts_limit: 4 } } })).status, 201);
      const tenant = await read(partial);
      assert.deepEqual(tenant.liveness_config, { ...LIVENESS_DEFAULTS, number_steps_max: 9 });
      assert.deepEqual(tenant.block_config, { ...DEFAULTS.block_config, user_attempts_limit: 4 });
    });

    test('each bound holds at its edges: the edge is accepted, one past it is a 422 naming the field, and nothing is written', async () => {
      const bounds: Array<[string[], number, number, Record<string, unknown>?]> = [
        [['pin_size'], 4, 12],
        [['patter_size'], 3, 9],
        [['block_config', 'ip_attempts_limit'], 1, 2147483647],
        [['block_config', 'ip_attempts_reset_minutes'], 1, 2147483647],
        [['block_config', 'user_attempts_limit'], 1, 2147483647],
        [['block_config', 'user_timeframe_seconds'], 1, 2147483647],
        [['block_config', 'initial_block_seconds'], 1, 2147483647, { max_block_time_minutes: 2147483647 }],
        [['block_config', 'max_block_time_minutes'], 1, 2147483647, { initial_block_seconds: 60 }],
        [['liveness_config', 'number_steps_min'], 1, 100, { number_steps_max: 100 }],
        [['liveness_config', 'number_steps_max'], 1, 100, { number_steps_min: 1 }],
        [['liveness_config', 'duration_in_seconds'], 1, 3600],
        [['liveness_config', 'number_of_allowed_failures'], 0, 100],
        [['liveness_config', 'number_blinks_max'], 0, 100000],
        [['liveness_config', 'number_blinks_min'], 0, 100000],
      ];
      const bodyWith = (path: string[], value: number, siblings: Record<string, unknown> = {}) =>
        path.length === 1 ? { display_name: '', [path[0]!]: value } : { display_name: '', [path[0]!]: { ...siblings, [path[1]!]: value } };
      for (const [path, min, max, siblings] of bounds) {
        for (const edge of [min, max]) {
          const r = await vault(`/tenants/${shared}`, { method: 'PUT', body: bodyWith(path, edge, siblings) });
          assert.equal(r.status, 200, `${path.join('.')} = ${edge}: ${r.text}`);
          const tenant = await read(shared);
          assert.equal(path.length === 1 ? tenant[path[0]!] : tenant[path[0]!][path[1]!], edge, `${path.join('.')} reads back ${edge}`);
        }
        for (const past of [min - 1, max + 1]) {
          await refused(`/tenants/${shared}`, 'PUT', bodyWith(path, past, siblings), ['body', ...path]);
          await refused('/tenants', 'POST', { tenant_id: slug('never'), ...bodyWith(path, past, siblings) }, ['body', ...path]);
        }
      }
      // display_name: up to 191 characters.
      assert.equal((await vault(`/tenants/${shared}`, { method: 'PUT', body: { display_name: 'd'.repeat(191) } })).status, 200);
      assert.equal((await read(shared)).display_name, 'd'.repeat(191));
      await refused(`/tenants/${shared}`, 'PUT', { display_name: 'd'.repeat(192) }, ['body', 'display_name']);
    });

    test('bad input is a 422 in the Vault shape naming the field, and writes nothing', async () => {
      await refused('/tenants', 'POST', {}, ['body', 'tenant_id']);
      for (const id of ['Upper', 'with space', '-edge', 'api', 'tenants', crypto.randomUUID(), 'x'.repeat(65)]) {
        await refused('/tenants', 'POST', { tenant_id: id }, ['body', 'tenant_id']);
      }
      await refused('/tenants', 'POST', { tenant_id: shared }, ['body', 'tenant_id']);
      await refused('/tenants', 'POST', { tenant_id: slug('dup'), display_name: 'Default' }, ['body', 'display_name']);
      await refused('/tenants', 'POST', { tenant_id: slug('order'), login_order: ['PIN', 'FACE'] }, ['body', 'login_order', 1]);
      await refused('/tenants', 'POST', { tenant_id: slug('order'), login_order: ['PIN', 'PIN'] }, ['body', 'login_order']);
      await refused('/tenants', 'POST', { tenant_id: slug('bool'), use_pin: 'yes' }, ['body', 'use_pin']);
      await refused('/tenants', 'POST', { tenant_id: slug('block'), block_config: { initial_block_seconds: 600, max_block_time_minutes: 5 } }, ['body', 'block_config', 'max_block_time_minutes']);
      await refused('/tenants', 'POST', { tenant_id: slug('steps'), liveness_config: { number_steps_min: 5, number_steps_max: 4 } }, ['body', 'liveness_config', 'number_steps_max']);
      await refused(`/tenants/${shared}`, 'PUT', {}, ['body', 'display_name']);
      await refused(`/tenants/${shared}`, 'PUT', { display_name: '', tenant_id: 'another-one' }, ['body', 'tenant_id']);
      const bad = await vault('/tenants', { method: 'POST', rawBody: '{"tenant_id":' });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.detail[0].loc, ['body']);
      const missing = await vault('/tenants/no-such-tenant', { method: 'PUT', body: { display_name: '' } });
      assert.deepEqual([missing.status, missing.body], [404, { detail: 'Tenant not found' }]);
      assert.deepEqual((await vault('/tenants/no-such-tenant')).body, { detail: 'Tenant not found' });
    });

    test('Update Tenant replaces: members left out (or null) return to their defaults, is_2fa stays, the name follows display_name', async () => {
      const id = slug('replace');
      const full = { tenant_id: id, display_name: `Full ${id}`, is_2fa: true, pin_size: 9, use_pattern: false, login_order: ['PATTERN'], block_config: { user_attempts_limit: 2 }, liveness_config: { duration_in_seconds: 30 } };
      assert.equal((await vault('/tenants', { method: 'POST', body: full })).status, 201);
      const replaced = await vault(`/tenants/${id}`, { method: 'PUT', body: { display_name: `Renamed ${id}`, block_config: null, login_order: null, liveness_config: null } });
      assert.deepEqual([replaced.status, replaced.text], [200, 'null'], 'seed 004 answers Update Tenant with null');
      assert.deepEqual(await read(id), { tenant_id: id, ...DEFAULTS, is_2fa: true, display_name: `Renamed ${id}` });
      assert.equal((await t.server.tenants.getBySlugOrId(id)).name, `Renamed ${id}`);
      assert.equal((await vault(`/tenants/${id}`, { method: 'PUT', body: { display_name: '', is_2fa: false } })).status, 200);
      const back = await read(id);
      assert.deepEqual([back.display_name, back.is_2fa], ['', false], 'an empty display_name names the tenant after its tenant_id again');
    });

    test('GET /tenants lists what the key may read; a tenant-locked key sees, reads and replaces only its own and creates none', async () => {
      const all = await vault('/tenants');
      assert.equal(all.status, 200);
      const ids = all.body.tenants.map((x: { tenant_id: string }) => x.tenant_id);
      assert.ok(ids.includes('default') && ids.includes(shared), ids.join());
      const sharedId = (await t.server.tenants.getBySlugOrId(shared)).id;
      const locked = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey: { tenantId: sharedId } } });
      assert.equal(locked.status, 200, locked.text);
      const as = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(path, { ...init, headers: { authorization: `Bearer ${locked.body.apiKey.key}` } });
      assert.deepEqual((await as('/tenants')).body.tenants.map((x: { tenant_id: string }) => x.tenant_id), [shared]);
      assert.equal((await as(`/tenants/${shared}`)).status, 200);
      assert.equal((await as(`/tenants/${shared}`, { method: 'PUT', body: { display_name: '' } })).status, 200);
      const other = await as('/tenants/default');
      assert.deepEqual([other.status, other.body], [403, { detail: 'Not permitted for this API key' }]);
      assert.equal((await as('/tenants/default', { method: 'PUT', body: { display_name: 'Default' } })).status, 403);
      assert.equal((await as('/tenants', { method: 'POST', body: { tenant_id: slug('locked') } })).status, 403);
      const none = await t.fetch('/tenants', { headers: { authorization: '' } });
      assert.deepEqual([none.status, none.body], [401, { detail: 'Not authenticated' }]);
    });

    test('a Vault-made tenant works with the Vault routes that were there before: users, keys, blocked lists, clients, tokens', async () => {
      const id = slug('works');
      assert.equal((await vault('/tenants', { method: 'POST', body: { tenant_id: id, display_name: `Works ${id}` } })).status, 201);
      const user = await vault(`/tenants/${id}/users`, { method: 'POST', body: { username: 'worker', email: 'worker@example.com', password: 'a-working-password-1' } });
      assert.equal(user.status, 201, user.text);
      assert.equal((await vault(`/tenants/${id}/users`)).body.total_count, 1);
      const keys = await vault(`/tenants/${id}/keys`);
      assert.equal(keys.status, 200);
      assert.equal(keys.body.keystore.length, 4);
      assert.equal((await vault(`/tenants/${id}/blocked-users`)).status, 200);
      const secret = crypto.randomBytes(32).toString('base64url');
      const client = await vault('/clients', { method: 'POST', body: { client_id: 'svc', name: 'Service', tenant_id: id, client_secret: secret, allowed_scopes: ['api:read'] } });
      assert.equal(client.status, 200, client.text);
      const token = await fetch(`${t.url}/tenants/${id}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'svc', client_secret: secret, grant_type: 'client_credentials', scope: 'api:read' }).toString(),
      });
      assert.equal(token.status, 200, await token.clone().text());
      assert.equal(typeof ((await token.json()) as { access_token?: unknown }).access_token, 'string');
      const publicTenant = await t.fetch(`/client/tenant?client_id=svc&tenant_id=${id}`, { headers: { authorization: '' } });
      assert.equal(publicTenant.body.tenant.display_name, `Works ${id}`);
      assert.equal(publicTenant.body.tenant.is_2fa, undefined, 'the public part leaves out the security settings');
      assert.equal(publicTenant.body.tenant.block_config, undefined);
    });
  });
}
