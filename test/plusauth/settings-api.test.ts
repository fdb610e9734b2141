/**
 * PlusAuth tenant settings (seed 001) on every back end, over real HTTP: a tenant created
 * through PlusAuth shows every documented default, field by field; every documented range holds
 * at its edges (the edge accepted and read back; one past it a 400 naming the field, nothing
 * written); a PATCH merges; the core's rules answer in PlusAuth's names; per-IP blocking can be
 * switched on and off and takes effect at the next login; and who may read and change settings.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { differences, fingerprinter, type Fingerprinter } from '../support/fuzz/fingerprint.js';
import { type TestServer, startTestServer } from '../support/server.js';

/**
 * GET …/settings of a tenant created through PlusAuth. Seeds 000–002 document the defaults of
 * account_blocking and brute_force, hash_function (bcrypt) and api_version; the rest take the
 * core's defaults (the seeds give none), and password.max is PlusAuth's own ceiling of 128.
 */
export const PLUSAUTH_DEFAULT_SETTINGS = {
  acr_values: [],
  auto_sign_in: false,
  expose_unsafe_errors: false,
  extra_params: [],
  extra_scopes: [],
  force_email_verification: false,
  forgot_password_enabled: true,
  hash_function: 'bcrypt',
  register_enabled: false,
  tenant_login_url: '',
  welcome_emails_enabled: false,
  api_version: '2021-07-04',
  default_strategy: '',
  authenticator: { bind_sim: false },
  ciba: { delivery_mode: 'poll', notifier_endpoint: '' },
  environment_variables: {},
  policies: {
    account_blocking: { allow_user_unblock: true, allowed_attempts: 10, block_duration: 630720000, duration: 7776000, enabled: true, notification: true, reset_after_success: true },
    brute_force: { allowed_attempts: 10, block_duration: 630720000, duration: 7776000, enabled: true, notification: true, white_list: [] },
    password: { lower_case: 0, max: 128, min: 8, number: 0, upper_case: 0 },
  },
  ttl: { access_token: 3600, authorization_code: 30, backchannel_authentication_request: 600, client_credentials: 3600, device_code: 1800, id_token: 3600, refresh_token: 2592000, session: 3600 },
  user_self_deletion: { enabled: false },
};

/** Seed 001's ranges: [path, documented minimum, documented maximum] (undefined: none documented). */
const RANGES: Array<[string, number | undefined, number | undefined]> = [
  ['policies.account_blocking.allowed_attempts', 5, 250],
  ['policies.account_blocking.block_duration', 60, 630720000],
  ['policies.account_blocking.duration', 60, 7776000],
  ['policies.brute_force.allowed_attempts', 5, 50],
  ['policies.brute_force.block_duration', 60, 630720000],
  ['policies.brute_force.duration', 60, 7776000],
  ['policies.password.history', 1, 10],
  ['policies.password.lower_case', 0, 32],
  ['policies.password.upper_case', 0, 32],
  ['policies.password.number', 0, 32],
  ['policies.password.min', 0, undefined],
  ['policies.password.max', undefined, 128],
  ['ttl.access_token', 30, 2592000],
  ['ttl.authorization_code', 30, 86400],
  ['ttl.backchannel_authentication_request', 30, 86400],
  ['ttl.client_credentials', 30, 2592000],
  ['ttl.device_code', 30, 86400],
  ['ttl.id_token', 30, 31536000],
  ['ttl.refresh_token', 300, 15552000],
  ['ttl.session', 600, 15552000],
];

/** `{a: {b: value}}` for the path `a.b`. */
function nested(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
function at(object: any, path: string): unknown {
  return path.split('.').reduce((o, key) => o?.[key], object);
}

const slug = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

for (const backend of backends()) {
  describe(`PlusAuth tenant settings on ${backend.name}`, () => {
    let t: TestServer;
    let fingerprint: Fingerprinter;
    let tenant: string;
    const settings = (id: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(`/tenants/${id}/settings`, init);
    const patch = (id: string, body: unknown) => settings(id, { method: 'PATCH', body });
    const create = async (id: string, body: Record<string, unknown> = {}) => {
      const r = await t.fetch('/users/operator/tenants', { method: 'POST', body: { tenant_id: id, ...body } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    /** A PATCH that must be a 400 naming `field` and leave the database as it was. */
    const refused = async (id: string, body: unknown, field: string) => {
      const before = await fingerprint.take();
      const r = await patch(id, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.error, 'invalid_request');
      assert.ok(r.body.details.some((d: { field: string }) => d.field === field), `${JSON.stringify(body)}: ${field} is named in ${r.text}`);
      assert.deepEqual(differences(before, await fingerprint.take()), [], 'nothing written');
    };

    before(async () => {
      t = await startTestServer(backend);
      fingerprint = await fingerprinter(t.server.database.db);
      tenant = slug('ranges');
      await create(tenant);
    });
    after(async () => {
      await t?.stop();
    });

    test('a tenant created through PlusAuth shows every documented default, field by field', async () => {
      const id = slug('defaults');
      const created = await create(id);
      assert.deepEqual(created.settings, PLUSAUTH_DEFAULT_SETTINGS);
      // Seed 002: the region's value tr-1 (TESSERA_REGION's default), the plan free.
      assert.deepEqual([created.tenant_id, created.region, created.subscription.plan], [id, 'tr-1', 'on-premise'], 'a self-hosted install puts new tenants on on-premise (TESSERA_DEFAULT_PLAN)');
      assert.equal(created.subscription.plan_details.max_users, -1, 'unlimited');
      const read = await settings(id);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, PLUSAUTH_DEFAULT_SETTINGS);
      assert.deepEqual(Object.keys(read.body), Object.keys(PLUSAUTH_DEFAULT_SETTINGS), "every member seed 001 lists, in its order");
      // What GET answers, PATCHed back whole, is accepted and changes nothing.
      const echoed = await patch(id, read.body);
      assert.deepEqual([echoed.status, echoed.body], [200, PLUSAUTH_DEFAULT_SETTINGS]);
      // A FusionAuth-made tenant's password maximum (256) is outside PlusAuth's range: shown as
      // stored, refused when sent back (docs/tenant-model.md).
      const fa = await settings('default');
      assert.equal(fa.body.policies.password.max, 256);
      await refused('default', fa.body, 'policies.password.max');
      // The stored values behind them: bcrypt at its default cost, a fixed twenty-year block.
      const stored = (await t.server.tenants.getBySlugOrId(id)).settings;
      assert.deepEqual(stored.passwordHashing, { scheme: 'bcrypt', factor: 10, rehashOnLogin: false });
      assert.equal(stored.userLockout.maxBlockSeconds, 630720000);
      assert.equal(stored.ipBruteForce.enabled, true);
    });

    test('every documented range holds at its edges: the edge is accepted and read back, one past it is a 400 naming the field, and nothing is written', async () => {
      for (const [path, min, max] of RANGES) {
        // A maximum of 1 needs a minimum that fits under it.
        const companion = path === 'policies.password.max' ? { policies: { password: { min: 0 } } } : {};
        for (const edge of [min, max].filter((v): v is number => v !== undefined)) {
          const body = structuredClone(companion) as any;
          Object.assign(body, nested(path, edge));
          if (path === 'policies.password.max') body.policies.password.min = 0;
          const r = await patch(tenant, body);
          assert.equal(r.status, 200, `${path} = ${edge}: ${r.text}`);
          assert.equal(at(r.body, path), edge, `${path} = ${edge} in the answer`);
          assert.equal(at((await settings(tenant)).body, path), edge, `${path} = ${edge} read back`);
        }
        if (min !== undefined) await refused(tenant, nested(path, min - 1), path);
        if (max !== undefined) await refused(tenant, nested(path, max + 1), path);
        await refused(tenant, nested(path, 'ten'), path);
      }
      // custom_chars: 1–64 characters.
      for (const chars of ['!', '#'.repeat(64)]) {
        const r = await patch(tenant, { policies: { password: { custom_chars: chars } } });
        assert.equal(r.body.policies.password.custom_chars, chars);
      }
      await refused(tenant, { policies: { password: { custom_chars: '' } } }, 'policies.password.custom_chars');
      await refused(tenant, { policies: { password: { custom_chars: '#'.repeat(65) } } }, 'policies.password.custom_chars');
      // The values seed 001 lists, and nothing else.
      for (const value of ['bcrypt', 'argon2', 'pbkdf2']) assert.equal((await patch(tenant, { hash_function: value })).body.hash_function, value);
      await refused(tenant, { hash_function: 'md5' }, 'hash_function');
      for (const value of ['ping', 'poll']) assert.equal((await patch(tenant, { ciba: { delivery_mode: value } })).body.ciba.delivery_mode, value);
      await refused(tenant, { ciba: { delivery_mode: 'push' } }, 'ciba.delivery_mode');
      await refused(tenant, { api_version: '2020-01-01' }, 'api_version');
      await refused(tenant, { policies: { account_blocking: { enabled: 'yes' } } }, 'policies.account_blocking.enabled');
      await refused(tenant, { policies: { passwords: {} } }, 'policies.passwords');
      await refused(tenant, { no_such_setting: true }, 'no_such_setting');
    });

    test('the core’s own rules answer in PlusAuth’s names, and write nothing', async () => {
      await refused(tenant, { policies: { password: { min: 20, max: 10 } } }, 'policies.password.max');
      await refused(tenant, { tenant_login_url: 'javascript:alert(1)' }, 'tenant_login_url');
      await refused(tenant, { ciba: { notifier_endpoint: 'ftp://notify.example/' } }, 'ciba.notifier_endpoint');
      await refused(tenant, { policies: { brute_force: { white_list: ['10.0.0.0/33'] } } }, 'policies.brute_force.white_list[0]');
      await refused(tenant, { policies: { brute_force: { white_list: ['192.0.2.1', 'not-an-address'] } } }, 'policies.brute_force.white_list[1]');
      const malformed = await settings(tenant, { method: 'PATCH', rawBody: '{"ttl":' });
      assert.deepEqual([malformed.status, malformed.body.error], [400, 'invalid_request']);
      const unknown = await settings('no-such-tenant');
      assert.deepEqual([unknown.status, unknown.body], [404, { error: 'not_found', error_description: 'Tenant not found.' }]);
      const wrongMethod = await settings(tenant, { method: 'PUT', body: {} });
      assert.deepEqual([wrongMethod.status, wrongMethod.body.error], [404, 'not_found'], 'an unknown method under …/settings answers in PlusAuth’s shape');
      const below = await t.fetch(`/tenants/${tenant}/settings/more`);
      assert.equal(below.body.error, 'not_found');
      const badRef = await settings('not_a_slug');
      assert.deepEqual([badRef.status, badRef.body.details?.[0]?.field], [400, 'tenant_id']);
    });

    test('a PATCH changes only what it names: objects merge, environment variables merge by name, null clears what may be absent', async () => {
      const id = slug('merge');
      await create(id);
      assert.equal((await patch(id, { policies: { account_blocking: { allowed_attempts: 12 } } })).status, 200);
      const r = await patch(id, { policies: { account_blocking: { duration: 600 }, password: { custom_chars: '!?', history: 3 } }, register_enabled: true, environment_variables: { A: 1, B: { deep: true } } });
      assert.equal(r.status, 200, r.text);
      const expected = structuredClone(PLUSAUTH_DEFAULT_SETTINGS) as any;
      Object.assign(expected.policies.account_blocking, { allowed_attempts: 12, duration: 600 });
      Object.assign(expected.policies.password, { custom_chars: '!?', history: 3 });
      expected.register_enabled = true;
      expected.environment_variables = { A: 1, B: { deep: true } };
      assert.deepEqual(r.body, expected);
      const merged = await patch(id, { environment_variables: { A: null, C: 'c' }, policies: { password: { custom_chars: null, history: null } }, tenant_login_url: 'https://login.example/acme', default_strategy: 'password' });
      expected.environment_variables = { B: { deep: true }, C: 'c' };
      delete expected.policies.password.custom_chars;
      delete expected.policies.password.history;
      Object.assign(expected, { tenant_login_url: 'https://login.example/acme', default_strategy: 'password' });
      assert.deepEqual(merged.body, expected);
      assert.deepEqual((await settings(id)).body, expected, 'as stored');
      const cleared = await patch(id, { tenant_login_url: '', default_strategy: '' });
      assert.deepEqual([cleared.body.tenant_login_url, cleared.body.default_strategy], ['', '']);
      const stored = (await t.server.tenants.getBySlugOrId(id)).settings;
      assert.deepEqual([stored.loginExperience.tenantLoginUrl, stored.passwordPolicy.history.enabled], [null, false]);
    });

    test('a block_duration PATCH sets a fixed block; a PATCH that does not change it leaves a Vault growing block alone', async () => {
      const id = slug('blocks');
      await create(id);
      const vault = await t.fetch(`/tenants/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${t.apiKey}` }, body: { display_name: '', block_config: { initial_block_seconds: 60, max_block_time_minutes: 60 } } });
      assert.equal(vault.status, 200, vault.text);
      assert.equal((await patch(id, { policies: { account_blocking: { block_duration: 60, allowed_attempts: 6 } } })).status, 200);
      let lock = (await t.server.tenants.getBySlugOrId(id)).settings.userLockout;
      assert.deepEqual([lock.initialBlockSeconds, lock.maxBlockSeconds, lock.maxAttempts], [60, 3600, 6], 'the same first block: the growing block stays');
      assert.equal((await patch(id, { policies: { account_blocking: { block_duration: 120 } } })).status, 200);
      lock = (await t.server.tenants.getBySlugOrId(id)).settings.userLockout;
      assert.deepEqual([lock.initialBlockSeconds, lock.maxBlockSeconds], [120, 120], 'a new length: a fixed block');
    });

    test('per-IP blocking is switched on and off through brute_force, effective at the next login', async () => {
      // A FusionAuth tenant: no IP blocking until it is switched on.
      const fa = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `IP ${slug('fa')}`, passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 1000 } } } });
      assert.equal(fa.status, 200, fa.text);
      const id: string = fa.body.tenant.id;
      assert.equal((await settings(id)).body.policies.brute_force.enabled, false);
      const user = await t.fetch(`/tenants/${id}/users`, { method: 'POST', body: { username: 'ipuser', email: 'ipuser@example.com', password: 'ip-user-password-1' } });
      assert.equal(user.status, 201, user.text);
      const login = (password: string, ipAddress: string, loginId = 'ipuser') => t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': id }, body: { loginId, password, ipAddress } });
      // Unknown login ids: only the address is counted, never a user.
      for (let i = 0; i < 6; i++) assert.equal((await login('wrong', '198.51.100.20', `nobody-${i}`)).status, 404);
      assert.equal((await login('ip-user-password-1', '198.51.100.20')).status, 200, 'off: an address is never blocked');

      const on = await patch(id, { policies: { brute_force: { enabled: true, allowed_attempts: 5, duration: 600, block_duration: 120, white_list: ['203.0.113.0/24'] } } });
      assert.equal(on.status, 200, on.text);
      for (let i = 0; i < 5; i++) assert.equal((await login('wrong', '198.51.100.21', `nobody-${i}`)).status, 404);
      assert.equal((await login('ip-user-password-1', '198.51.100.21')).status, 429, 'on: the sixth attempt from the address is refused');
      for (let i = 0; i < 6; i++) assert.equal((await login('wrong', '203.0.113.9', `nobody-${i}`)).status, 404);
      assert.equal((await login('ip-user-password-1', '203.0.113.9')).status, 200, 'the white list is honoured');
      const blocked = await t.fetch(`/tenants/${id}/blocked-ips`);
      assert.deepEqual(blocked.body.data.map((b: { ip: string }) => b.ip), ['198.51.100.21']);

      assert.equal((await patch(id, { policies: { brute_force: { enabled: false } } })).status, 200);
      assert.equal((await login('ip-user-password-1', '198.51.100.21')).status, 200, 'off again: the address is not checked');
    });

    test('who may read and change settings: a superuser key, a key locked to the tenant, a key of the account that created it', async () => {
      const id = slug('access');
      await create(id);
      const tenantId = (await t.server.tenants.getBySlugOrId(id)).id;
      const newKey = async (apiKey: Record<string, unknown>) => {
        const r = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey } });
        assert.equal(r.status, 200, r.text);
        return (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(path, { ...init, headers: { authorization: `Bearer ${r.body.apiKey.key}` } });
      };
      const none = await t.fetch(`/tenants/${id}/settings`, { headers: { authorization: '' } });
      assert.deepEqual([none.status, none.body.error], [401, 'unauthorized']);
      const wrong = await t.fetch(`/tenants/${id}/settings`, { headers: { authorization: 'Bearer not-a-key-at-all-0000' } });
      assert.equal(wrong.status, 401);

      const locked = await newKey({ tenantId });
      assert.equal((await locked(`/tenants/${id}/settings`)).status, 200);
      assert.equal((await locked(`/tenants/${id}/settings`, { method: 'PATCH', body: { auto_sign_in: true } })).body.auto_sign_in, true);
      const elsewhere = await locked('/tenants/default/settings');
      assert.deepEqual([elsewhere.status, elsewhere.body.error], [403, 'forbidden']);
      assert.equal((await locked('/tenants/default/settings', { method: 'PATCH', body: { auto_sign_in: true } })).status, 403);

      // A restricted key of another account: neither the operator's tenants nor others'.
      const permissions = { endpoints: { '/tenants': ['GET', 'PATCH'], '/users': ['GET', 'POST'] } };
      const stranger = await newKey({ ownerId: 'acct-stranger', permissions });
      assert.equal((await stranger(`/tenants/${id}/settings`)).status, 403);
      assert.equal((await stranger(`/tenants/${id}/settings`, { method: 'PATCH', body: { auto_sign_in: false } })).status, 403);
      // The same key reaches what its account created.
      const own = slug('own');
      const made = await stranger('/users/acct-stranger/tenants', { method: 'POST', body: { tenant_id: own } });
      assert.equal(made.status, 201, made.text);
      assert.equal((await stranger(`/tenants/${own}/settings`)).status, 200);
      assert.equal((await stranger(`/tenants/${own}/settings`, { method: 'PATCH', body: { welcome_emails_enabled: true } })).body.welcome_emails_enabled, true);
      // Endpoint permissions come first: a key for other endpoints only.
      const elsewhereOnly = await newKey({ permissions: { endpoints: { '/api/tenant': ['GET'] } } });
      const refusedByEndpoint = await elsewhereOnly(`/tenants/${id}/settings`);
      assert.deepEqual([refusedByEndpoint.status, refusedByEndpoint.body.error], [403, 'forbidden']);
      assert.equal((await settings(id)).body.auto_sign_in, true, 'the refused PATCH changed nothing');
    });
  });
}
