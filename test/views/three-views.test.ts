/**
 * One tenant, three views (docs/tenant-model.md), on every back end over real HTTP: a tenant
 * created through each API starts with that API's defaults where the specifications disagree
 * (lockout attempts FusionAuth 5, PlusAuth 10, Vault 15), and every view reports the same
 * stored value; a change made through one view is what the other two report; and a PlusAuth
 * change is in effect at once for hashing, token lifetimes and lockout.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { backends } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';

const slug = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

for (const backend of backends()) {
  describe(`three views of one tenant on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    /** The tenant as each API shows it. */
    async function views(ref: string) {
      const stored = await t.server.tenants.getBySlugOrId(ref);
      const fa = await t.fetch(`/api/tenant/${stored.id}`);
      const plusauth = await t.fetch(`/tenants/${stored.slug}/settings`);
      const vault = await t.fetch(`/tenants/${stored.slug}`);
      for (const r of [fa, plusauth, vault]) assert.equal(r.status, 200, r.text);
      return { id: stored.id, slug: stored.slug, fa: fa.body.tenant, plusauth: plusauth.body, vault: vault.body };
    }

    test('a tenant created through each API has that API’s defaults, and all three views report the same stored value', async () => {
      const fa = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Made by FusionAuth ${slug('x')}` } } });
      assert.equal(fa.status, 200, fa.text);
      const plusauth = slug('by-plusauth');
      assert.equal((await t.fetch('/users/operator/tenants', { method: 'POST', body: { tenant_id: plusauth } })).status, 201);
      const vault = slug('by-vault');
      assert.equal((await t.fetch('/tenants', { method: 'POST', body: { tenant_id: vault } })).status, 201);

      const expected: Array<[string, { attempts: number; window: number; block: number; scheme: string; ipBlocking: boolean }]> = [
        [fa.body.tenant.id, { attempts: 5, window: 60, block: 180, scheme: 'salted-pbkdf2-hmac-sha256', ipBlocking: false }],
        [plusauth, { attempts: 10, window: 7776000, block: 630720000, scheme: 'bcrypt', ipBlocking: true }],
        [vault, { attempts: 15, window: 300, block: 60, scheme: 'salted-pbkdf2-hmac-sha256', ipBlocking: true }],
      ];
      for (const [ref, want] of expected) {
        const v = await views(ref);
        assert.deepEqual(
          [v.fa.failedAuthenticationConfiguration.tooManyAttempts, v.plusauth.policies.account_blocking.allowed_attempts, v.vault.block_config.user_attempts_limit],
          [want.attempts, want.attempts, want.attempts],
          `${ref}: lockout attempts in FusionAuth, PlusAuth and Vault`,
        );
        assert.deepEqual(
          [v.fa.failedAuthenticationConfiguration.resetCountInSeconds, v.plusauth.policies.account_blocking.duration, v.vault.block_config.user_timeframe_seconds],
          [want.window, want.window, want.window],
          `${ref}: the counting window`,
        );
        assert.equal(v.plusauth.policies.account_blocking.block_duration, want.block);
        assert.equal(v.vault.block_config.initial_block_seconds, want.block);
        assert.equal(v.fa.passwordEncryptionConfiguration.encryptionScheme, want.scheme);
        assert.equal(v.plusauth.policies.brute_force.enabled, want.ipBlocking, `${ref}: per-IP blocking`);
      }
      // The FusionAuth tenant through Vault: its IP limits as stored (off, PlusAuth's numbers kept for when it is on).
      const faView = await views(fa.body.tenant.id);
      assert.deepEqual(faView.vault.block_config, { ip_attempts_limit: 10, ip_attempts_reset_minutes: 129600, user_attempts_limit: 5, user_timeframe_seconds: 60, initial_block_seconds: 180, max_block_time_minutes: 3 });
    });

    test('a change made through one view is what the other two report', async () => {
      const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Shared ${slug('x')}` } } });
      const id: string = created.body.tenant.id;
      const { slug: ref } = await views(id);

      // PlusAuth → FusionAuth and Vault.
      assert.equal((await t.fetch(`/tenants/${ref}/settings`, { method: 'PATCH', body: { policies: { account_blocking: { allowed_attempts: 42, duration: 900, block_duration: 1200 } }, register_enabled: true } })).status, 200);
      let v = await views(id);
      assert.deepEqual(
        [v.fa.failedAuthenticationConfiguration.tooManyAttempts, v.fa.failedAuthenticationConfiguration.resetCountInSeconds, v.fa.failedAuthenticationConfiguration.actionDuration, v.fa.failedAuthenticationConfiguration.actionDurationUnit],
        [42, 900, 20, 'MINUTES'],
      );
      assert.deepEqual([v.vault.block_config.user_attempts_limit, v.vault.block_config.user_timeframe_seconds, v.vault.block_config.initial_block_seconds, v.vault.block_config.max_block_time_minutes], [42, 900, 1200, 20]);
      assert.equal(v.vault.register_enable, true);

      // FusionAuth → PlusAuth and Vault.
      const faPatch = await t.fetch(`/api/tenant/${id}`, { method: 'PATCH', body: { tenant: { failedAuthenticationConfiguration: { tooManyAttempts: 7 }, jwtConfiguration: { timeToLiveInSeconds: 1800 }, passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: 9 } } } });
      assert.equal(faPatch.status, 200, faPatch.text);
      v = await views(id);
      assert.deepEqual([v.plusauth.policies.account_blocking.allowed_attempts, v.vault.block_config.user_attempts_limit], [7, 7]);
      assert.deepEqual([v.plusauth.ttl.access_token, v.plusauth.ttl.id_token, v.plusauth.hash_function], [1800, 1800, 'bcrypt']);

      // Vault → FusionAuth and PlusAuth.
      const vaultPut = await t.fetch(`/tenants/${ref}`, { method: 'PUT', body: { display_name: `Renamed ${ref}`, block_config: { user_attempts_limit: 9, user_timeframe_seconds: 120, initial_block_seconds: 30, max_block_time_minutes: 60, ip_attempts_limit: 25, ip_attempts_reset_minutes: 15 } } });
      assert.equal(vaultPut.status, 200, vaultPut.text);
      v = await views(id);
      assert.equal(v.fa.name, `Renamed ${ref}`);
      assert.deepEqual([v.fa.failedAuthenticationConfiguration.tooManyAttempts, v.plusauth.policies.account_blocking.allowed_attempts], [9, 9]);
      assert.deepEqual(
        [v.plusauth.policies.brute_force.enabled, v.plusauth.policies.brute_force.allowed_attempts, v.plusauth.policies.brute_force.duration],
        [true, 25, 900],
        'writing block_config switched per-IP blocking on',
      );
      // The growing block shows its first length where only fixed blocks exist.
      assert.deepEqual([v.plusauth.policies.account_blocking.block_duration, v.fa.failedAuthenticationConfiguration.actionDuration, v.fa.failedAuthenticationConfiguration.actionDurationUnit], [30, 1, 'MINUTES']);
      assert.equal(v.vault.register_enable, false, 'a Vault replace returns register_enable to its default');
      // A FusionAuth change that does not touch the lockout keeps the Vault's growing block.
      assert.equal((await t.fetch(`/api/tenant/${id}`, { method: 'PATCH', body: { tenant: { themeId: crypto.randomUUID() } } })).status, 200);
      assert.equal((await views(id)).vault.block_config.max_block_time_minutes, 60);
    });

    test('set the hash function through PlusAuth: the next new password is hashed with it', async () => {
      const ref = slug('hashing');
      assert.equal((await t.fetch('/users/operator/tenants', { method: 'POST', body: { tenant_id: ref } })).status, 201);
      const tenantId = (await t.server.tenants.getBySlugOrId(ref)).id;
      const stored = async (username: string) => {
        const row = await t.server.database.db.selectFrom('users').select(['password_scheme', 'password_factor']).where('tenant_id', '=', tenantId).where('username', '=', username).executeTakeFirstOrThrow();
        return [row.password_scheme, Number(row.password_factor)];
      };
      const addUser = async (username: string) => {
        const r = await t.fetch(`/tenants/${ref}/users`, { method: 'POST', body: { username, email: `${username}@example.com`, password: `${username}-password-1` } });
        assert.equal(r.status, 201, r.text);
      };
      await addUser('first');
      assert.deepEqual(await stored('first'), ['bcrypt', 10], "PlusAuth's default: bcrypt");
      for (const [fn, scheme, factor] of [['argon2', 'argon2id', 2], ['pbkdf2', 'salted-pbkdf2-hmac-sha256', 24000], ['bcrypt', 'bcrypt', 10]] as const) {
        const r = await t.fetch(`/tenants/${ref}/settings`, { method: 'PATCH', body: { hash_function: fn } });
        assert.equal(r.body.hash_function, fn);
        const username = `user-${fn}`;
        await addUser(username);
        assert.deepEqual(await stored(username), [scheme, factor], `${fn}: the next password`);
        const login = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': tenantId }, body: { loginId: username, password: `${username}-password-1` } });
        assert.equal(login.status, 200, `${fn}: and it logs in`);
      }
      assert.deepEqual(await stored('first'), ['bcrypt', 10], 'earlier passwords keep their hash');
      assert.equal((await views(ref)).fa.passwordEncryptionConfiguration.encryptionScheme, 'bcrypt');
    });

    test('change ttl.access_token and ttl.client_credentials through PlusAuth: the next tokens live that long', async () => {
      const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Lifetimes ${slug('x')}`, passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 1000 } } } });
      const id: string = created.body.tenant.id;
      const { slug: ref } = await views(id);
      assert.equal((await t.fetch(`/tenants/${ref}/users`, { method: 'POST', body: { username: 'timer', email: 'timer@example.com', password: 'timer-password-1' } })).status, 201);
      const secret = crypto.randomBytes(32).toString('base64url');
      assert.equal((await t.fetch('/clients', { method: 'POST', body: { client_id: 'svc', name: 'Service', tenant_id: ref, client_secret: secret, allowed_scopes: ['api:read'] } })).status, 200);
      const loginToken = async () => {
        const login = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': id }, body: { loginId: 'timer', password: 'timer-password-1' } });
        assert.equal(login.status, 200, login.text);
        const claims = decodeJwt(login.body.token);
        return claims.exp! - claims.iat!;
      };
      const serviceToken = async () => {
        const r = await fetch(`${t.url}/tenants/${ref}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ client_id: 'svc', client_secret: secret, grant_type: 'client_credentials', scope: 'api:read' }).toString(),
        });
        const body = (await r.json()) as { access_token: string; expires_in: number };
        assert.equal(r.status, 200, JSON.stringify(body));
        const claims = decodeJwt(body.access_token);
        return [body.expires_in, claims.exp! - claims.iat!];
      };
      assert.equal(await loginToken(), 3600);
      assert.deepEqual(await serviceToken(), [3600, 3600]);
      const r = await t.fetch(`/tenants/${ref}/settings`, { method: 'PATCH', body: { ttl: { access_token: 600, client_credentials: 900 } } });
      assert.equal(r.status, 200, r.text);
      assert.equal(await loginToken(), 600, 'the next login token lives ttl.access_token');
      assert.deepEqual(await serviceToken(), [900, 900], 'the next client-credentials token lives ttl.client_credentials');
      assert.equal((await views(id)).fa.jwtConfiguration.timeToLiveInSeconds, 600);
    });

    test('change account_blocking through PlusAuth: the next logins are counted by it', async () => {
      const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: `Lockout ${slug('x')}`, passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 1000 } } } });
      const id: string = created.body.tenant.id;
      const { slug: ref } = await views(id);
      assert.equal((await t.fetch(`/tenants/${ref}/users`, { method: 'POST', body: { username: 'locky', email: 'locky@example.com', password: 'locky-password-1' } })).status, 201);
      const login = (password: string) => t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': id }, body: { loginId: 'locky', password } });
      const r = await t.fetch(`/tenants/${ref}/settings`, { method: 'PATCH', body: { policies: { account_blocking: { allowed_attempts: 6, duration: 600, block_duration: 300 } } } });
      assert.equal(r.status, 200, r.text);
      // FusionAuth's default was 5: a sixth attempt is allowed now, a seventh is not.
      for (let i = 0; i < 6; i++) assert.equal((await login('wrong')).status, 404, `attempt ${i + 1}`);
      assert.equal((await login('locky-password-1')).status, 409, 'locked after the sixth failure');
      t.clock.advance(301_000);
      assert.equal((await login('locky-password-1')).status, 200, 'the 300 s block is over');
    });
  });
}
