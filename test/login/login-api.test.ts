/**
 * Login and its defences through FusionAuth's POST /api/login, on every back end: status codes,
 * lockout configured the FusionAuth, PlusAuth and Vault ways (one mechanism), the parallel-guess
 * race, IP blocking and whitelists, enumeration, re-hashing, and the blocked lists.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { importSPKI, jwtVerify, decodeProtectedHeader } from 'jose';
import type { TenantSettings } from '../../src/core/tenants/settings.js';
import { applyPlusAuthPolicies } from '../../src/dialects/plusauth/policies.js';
import { applyVaultBlockConfig } from '../../src/dialects/vault/tenant-mapping.js';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`login on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    /** A fresh tenant with fast hashing for tests, plus a helper to change its core settings. */
    async function tenant(fa: Record<string, unknown> = {}) {
      const name = `Login ${crypto.randomUUID().slice(0, 8)}`;
      const created = await attempt(
        t.client().createTenant(null as unknown as string, { tenant: { name, passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 1000 }, ...fa } as any }),
      );
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const id: string = created.response.tenant.id;
      const slug = new URL(created.response.tenant.issuer).pathname.slice(1);
      const configure = (change: (s: TenantSettings) => TenantSettings) => t.server.tenants.update({}, id, (cur) => ({ name: cur.name, settings: change(cur.settings) }));
      const addUser = async (body: Record<string, unknown>) => {
        const r = await t.fetch(`/tenants/${slug}/users`, { method: 'POST', body, headers: { authorization: `Bearer ${t.apiKey}` } });
        assert.equal(r.status, 201, r.text);
        return r.body;
      };
      const login = (loginId: string, password: string, extra: Record<string, unknown> = {}) =>
        t.fetch('/api/login', { method: 'POST', body: { loginId, password, ...extra }, headers: { 'x-fusionauth-tenantid': id } });
      return { id, slug, configure, addUser, login };
    }

    test('200 with the user and a JWT signed by the tenant access-token key', async () => {
      const ten = await tenant();
      const user = await ten.addUser({ username: 'alice', email: 'alice@example.com', password: 'wonderland-1865' });
      for (const loginId of ['alice', 'ALICE@example.com']) {
        const response = await ten.login(loginId, 'wonderland-1865');
        assert.equal(response.status, 200, response.text);
        assert.equal(response.body.user.id, user.user_id);
        assert.equal(response.body.user.active, true);
        const keyId = (await attempt(t.client().retrieveTenant(ten.id))).response.tenant.jwtConfiguration.accessTokenKeyId;
        const key = (await attempt(t.client().retrieveKey(keyId))).response.key;
        assert.equal(decodeProtectedHeader(response.body.token).kid, key.kid);
        assert.equal(decodeProtectedHeader(response.body.token).alg, key.algorithm);
        const { payload } = await jwtVerify(response.body.token, await importSPKI(key.publicKey, key.algorithm), { issuer: `http://tessera.test/${ten.slug}` });
        assert.equal(payload.sub, user.user_id);
        assert.equal(payload.tid, ten.id);
        assert.ok(response.body.tokenExpirationInstant > Date.now());
      }
    });

    test('an unknown user and a wrong password get the same answer', async () => {
      const ten = await tenant();
      await ten.addUser({ username: 'bob', email: 'bob@example.com', password: 'builder-password' });
      const wrong = await ten.login('bob', 'not-his-password');
      const unknown = await ten.login('nobody', 'not-his-password');
      assert.equal(wrong.status, 404);
      assert.equal(unknown.status, 404);
      assert.equal(wrong.text, unknown.text);
      assert.deepEqual(Object.keys(wrong.body ?? {}), Object.keys(unknown.body ?? {}));
    });

    test('an unknown user costs what a wrong password costs (one verification against a dummy hash)', async () => {
      const ten = await tenant({ passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 100000 } });
      await ten.configure((s) => ({ ...s, userLockout: { ...s.userLockout, enabled: false } }));
      await ten.addUser({ username: 'carol', email: 'carol@example.com', password: 'carol-password-1' });
      // CPU time of this process (server and client; the hash runs on libuv's pool, whose threads
      // count too), not wall-clock time: other test files running beside this one take wall-clock
      // time from both kinds of request, not CPU time from this process. The client's share is the
      // same for both kinds.
      const cpu = async (loginId: string) => {
        const before = process.cpuUsage();
        const r = await ten.login(loginId, 'definitely-wrong');
        const used = process.cpuUsage(before);
        assert.equal(r.status, 404);
        return used.user + used.system;
      };
      // Pairs, taken one right after the other and in alternating order, compared pair by pair;
      // the median of the ratios ignores the odd pair a garbage collection or a background task lands in.
      const ratios: number[] = [];
      for (let i = 0; i < 15; i++) {
        let wrong: number;
        let unknown: number;
        if (i % 2 === 0) {
          wrong = await cpu('carol');
          unknown = await cpu(`ghost-${i}`);
        } else {
          unknown = await cpu(`ghost-${i}`);
          wrong = await cpu('carol');
        }
        ratios.push(unknown / wrong);
      }
      const median = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)]!;
      // Skipping the hash makes an unknown user cost a few per cent of a wrong password (100,000
      // PBKDF2 rounds); doing it costs about the same. The bounds are wide: only the former fails.
      assert.ok(median > 0.4 && median < 2.5, `unknown/wrong CPU time, median of pairs: ${median.toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
    });

    test('FusionAuth failedAuthenticationConfiguration: N failures lock for actionDuration, then the lock ends', async () => {
      const ten = await tenant({ failedAuthenticationConfiguration: { tooManyAttempts: 3, resetCountInSeconds: 60, actionDuration: 2, actionDurationUnit: 'MINUTES' } });
      await ten.addUser({ username: 'dave', email: 'dave@example.com', password: 'daves-password' });
      for (let i = 0; i < 3; i++) assert.equal((await ten.login('dave', 'wrong')).status, 404);
      assert.equal((await ten.login('dave', 'daves-password')).status, 409, 'locked: the right password is refused');
      t.clock.advance(119_000);
      assert.equal((await ten.login('dave', 'daves-password')).status, 409, 'still locked before 2 minutes');
      t.clock.advance(2_000);
      assert.equal((await ten.login('dave', 'daves-password')).status, 200, 'unlocked after actionDuration');
    });

    test('failures outside the counting window do not add up', async () => {
      const ten = await tenant({ failedAuthenticationConfiguration: { tooManyAttempts: 3, resetCountInSeconds: 10, actionDuration: 1, actionDurationUnit: 'MINUTES' } });
      await ten.addUser({ username: 'erin', email: 'erin@example.com', password: 'erins-password' });
      await ten.login('erin', 'wrong');
      await ten.login('erin', 'wrong');
      t.clock.advance(11_000);
      await ten.login('erin', 'wrong');
      assert.equal((await ten.login('erin', 'erins-password')).status, 200);
    });

    test('PlusAuth account_blocking: allowed_attempts, block_duration, reset_after_success', async () => {
      const ten = await tenant();
      await ten.configure((s) =>
        applyPlusAuthPolicies(s, {
          account_blocking: { enabled: true, allowed_attempts: 5, duration: 600, block_duration: 300, reset_after_success: true, allow_user_unblock: true, notification: false },
        }),
      );
      await ten.addUser({ username: 'frank', email: 'frank@example.com', password: 'franks-password' });
      for (let i = 0; i < 4; i++) assert.equal((await ten.login('frank', 'wrong')).status, 404);
      assert.equal((await ten.login('frank', 'franks-password')).status, 200, 'reset_after_success clears the count');
      for (let i = 0; i < 4; i++) assert.equal((await ten.login('frank', 'wrong')).status, 404);
      assert.equal((await ten.login('frank', 'wrong')).status, 404);
      assert.equal((await ten.login('frank', 'franks-password')).status, 409);
      t.clock.advance(301_000);
      assert.equal((await ten.login('frank', 'franks-password')).status, 200);
    });

    test('Vault block_config: exponential blocks from initial_block_seconds up to max_block_time_minutes', async () => {
      const ten = await tenant();
      await ten.configure((s) =>
        applyVaultBlockConfig(s, { user_attempts_limit: 2, user_timeframe_seconds: 300, initial_block_seconds: 60, max_block_time_minutes: 3, ip_attempts_limit: 1000, ip_attempts_reset_minutes: 10 }),
      );
      await ten.addUser({ username: 'gina', email: 'gina@example.com', password: 'ginas-password' });
      for (const expectedBlock of [60, 120, 180, 180]) {
        assert.equal((await ten.login('gina', 'wrong')).status, 404);
        assert.equal((await ten.login('gina', 'wrong')).status, 404);
        assert.equal((await ten.login('gina', 'ginas-password')).status, 409, `blocked for ${expectedBlock}s`);
        t.clock.advance(expectedBlock * 1000 - 1000);
        assert.equal((await ten.login('gina', 'ginas-password')).status, 409, `still blocked just before ${expectedBlock}s`);
        t.clock.advance(2000);
      }
      assert.equal((await ten.login('gina', 'ginas-password')).status, 200);
    });

    test('50 parallel wrong passwords against a limit of 5: at most 5 are checked, then the user is locked', async () => {
      const ten = await tenant({ failedAuthenticationConfiguration: { tooManyAttempts: 5, resetCountInSeconds: 600, actionDuration: 10, actionDurationUnit: 'MINUTES' } });
      await ten.addUser({ username: 'henry', email: 'henry@example.com', password: 'henrys-password' });
      const statuses = (await Promise.all(Array.from({ length: 50 }, () => ten.login('henry', 'wrong-guess')))).map((r) => r.status);
      const checked = statuses.filter((s) => s === 404).length;
      assert.ok(checked <= 5, `${checked} guesses were checked: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 409).length, 50 - checked, 'the rest were refused as locked');
      const row = await t.server.database.db.selectFrom('login_failures').selectAll().where('tenant_id', '=', ten.id).where('kind', '=', 'user').executeTakeFirstOrThrow();
      assert.ok(row.blocked_until && Number(row.blocked_until) > Date.now(), 'the user is locked');
      assert.equal((await ten.login('henry', 'henrys-password')).status, 409, 'the right password is refused while locked');
    });

    test('more parallel correct logins than the attempt limit all succeed', async () => {
      const ten = await tenant({ failedAuthenticationConfiguration: { tooManyAttempts: 3, resetCountInSeconds: 600, actionDuration: 10, actionDurationUnit: 'MINUTES' } });
      await ten.addUser({ username: 'iris', email: 'iris@example.com', password: 'iris-password' });
      const statuses = (await Promise.all(Array.from({ length: 12 }, () => ten.login('iris', 'iris-password')))).map((r) => r.status);
      assert.deepEqual(statuses, Array(12).fill(200));
    });

    test('a login whose stored hash cannot be checked gives its attempt back (a damaged row never locks its user)', async () => {
      const ten = await tenant();
      const user = await ten.addUser({ username: 'damaged', email: 'damaged@example.com', password: 'wonderland-1865' });
      // A row damaged outside the API (the import validates hashes): a scheme no hasher knows.
      await t.server.database.db.updateTable('users').set({ password_scheme: 'no-such-scheme' }).where('id', '=', user.user_id).execute();
      for (let i = 0; i < 7; i++) assert.equal((await ten.login('damaged', 'wonderland-1865')).status, 500);
      const row = await t.server.database.db.selectFrom('login_failures').select(['failed_count', 'blocked_until']).where('subject', '=', user.user_id).executeTakeFirst();
      assert.equal(Number(row?.failed_count ?? 0), 0);
      assert.equal(row?.blocked_until ?? null, null);
    });

    test('IP brute force: an address is blocked across users; whitelisted addresses never are', async () => {
      const ten = await tenant();
      await ten.configure((s) =>
        applyPlusAuthPolicies(s, {
          account_blocking: { enabled: false, allowed_attempts: 5, duration: 600, block_duration: 60, reset_after_success: true, allow_user_unblock: true, notification: false },
          brute_force: { enabled: true, allowed_attempts: 5, duration: 600, block_duration: 120, white_list: ['10.9.0.0/16', '192.0.2.7'], notification: false },
        }),
      );
      await ten.addUser({ username: 'ivy', email: 'ivy@example.com', password: 'ivys-password' });
      await ten.addUser({ username: 'jack', email: 'jack@example.com', password: 'jacks-password' });
      for (let i = 0; i < 5; i++) assert.equal((await ten.login(i % 2 ? 'ivy' : 'someone-unknown', 'wrong', { ipAddress: '198.51.100.4' })).status, 404);
      const blocked = await ten.login('jack', 'jacks-password', { ipAddress: '198.51.100.4' });
      assert.equal(blocked.status, 429, 'the address is blocked even for another user with the right password');
      assert.equal(blocked.text, '', 'no body');
      assert.equal((await ten.login('jack', 'jacks-password', { ipAddress: '198.51.100.5' })).status, 200, 'other addresses are fine');
      for (const ip of ['10.9.3.4', '192.0.2.7']) {
        for (let i = 0; i < 8; i++) assert.equal((await ten.login('ivy', 'wrong', { ipAddress: ip })).status, 404);
        assert.equal((await ten.login('ivy', 'ivys-password', { ipAddress: ip })).status, 200, `${ip} is whitelisted`);
      }
      t.clock.advance(121_000);
      assert.equal((await ten.login('jack', 'jacks-password', { ipAddress: '198.51.100.4' })).status, 200, 'the block ends');
    });

    test('blocked lists show blocks, and DELETE lifts them', async () => {
      const ten = await tenant({ failedAuthenticationConfiguration: { tooManyAttempts: 2, resetCountInSeconds: 600, actionDuration: 5, actionDurationUnit: 'MINUTES' } });
      await ten.configure((s) => ({ ...s, ipBruteForce: { ...s.ipBruteForce, enabled: true, maxAttempts: 3, initialBlockSeconds: 600, maxBlockSeconds: 600 } }));
      const kim = await ten.addUser({ username: 'kim', email: 'kim@example.com', password: 'kims-password' });
      await ten.login('kim', 'wrong', { ipAddress: '203.0.113.9' });
      await ten.login('kim', 'wrong', { ipAddress: '203.0.113.9' });
      await ten.login('nobody', 'wrong', { ipAddress: '203.0.113.9' });
      const auth = { authorization: `Bearer ${t.apiKey}` };
      const users = await t.fetch(`/tenants/${ten.slug}/blocked-users`, { headers: auth });
      assert.equal(users.status, 200);
      assert.equal(users.body.total_count, 1);
      assert.equal(users.body.has_next, false);
      assert.deepEqual({ ...users.body.data[0], blocked_at: undefined }, { user_id: kim.user_id, username: 'kim', email: 'kim@example.com', tenant_id: ten.slug, blocked_at: undefined, block_time_seconds: 300 });
      const ips = await t.fetch(`/tenants/${ten.slug}/blocked-ips?page=0&page_size=10&sort_direction=1`, { headers: auth });
      assert.deepEqual(ips.body.data.map((d: any) => [d.ip, d.block_time_seconds]), [['203.0.113.9', 600]]);
      assert.equal((await t.fetch(`/tenants/${ten.slug}/blocked-ips?page_size=501`, { headers: auth })).status, 422);
      assert.equal((await t.fetch(`/tenants/${ten.slug}/blocked-users/${kim.user_id}`, { method: 'DELETE', headers: auth })).status, 204);
      assert.equal((await t.fetch(`/tenants/${ten.slug}/blocked-ips/203.0.113.9`, { method: 'DELETE', headers: auth })).status, 204);
      assert.equal((await t.fetch(`/tenants/${ten.slug}/blocked-ips/203.0.113.9`, { method: 'DELETE', headers: auth })).status, 404);
      assert.equal((await ten.login('kim', 'kims-password', { ipAddress: '203.0.113.9' })).status, 200);
    });

    test('imported legacy hashes log in and are re-hashed to the tenant scheme when it says so', async () => {
      const ten = await tenant({ passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: 4, modifyEncryptionSchemeOnLogin: true } });
      const md5 = crypto.createHash('md5').update('legacy-pass{pepper}').digest('hex');
      const user = await ten.addUser({ username: 'lee', email: 'lee@example.com', encryption_scheme: 'salted-md5', salt: 'pepper', hash: md5 });
      assert.equal((await ten.login('lee', 'legacy-pass')).status, 200);
      const row = await t.server.database.db.selectFrom('users').selectAll().where('id', '=', user.user_id).executeTakeFirstOrThrow();
      assert.equal(row.password_scheme, 'bcrypt');
      assert.equal(row.password_factor, 4);
      assert.equal((await ten.login('lee', 'legacy-pass')).status, 200, 'the new hash verifies');
      const keep = await tenant();
      const sha = crypto.createHash('sha256').update('other-pass{s}').digest('base64');
      const other = await keep.addUser({ username: 'mo', email: 'mo@example.com', encryption_scheme: 'salted-sha256', salt: 's', hash: sha });
      assert.equal((await keep.login('mo', 'other-pass')).status, 200);
      const kept = await t.server.database.db.selectFrom('users').select('password_scheme').where('id', '=', other.user_id).executeTakeFirstOrThrow();
      assert.equal(kept.password_scheme, 'salted-sha256', 'without modifyEncryptionSchemeOnLogin the hash stays');
    });

    test('203 when the password must change; 212 when the email must be verified; 409 when disabled', async () => {
      const ten = await tenant({ maximumPasswordAge: { enabled: true, days: 1 } });
      await ten.addUser({ username: 'nina', email: 'nina@example.com', password: 'ninas-password' });
      assert.equal((await ten.login('nina', 'ninas-password')).status, 200);
      t.clock.advance(2 * 86400_000);
      const expired = await ten.login('nina', 'ninas-password');
      assert.equal(expired.status, 203);
      assert.equal(expired.body.changePasswordReason, 'Expired');

      const strict = await tenant();
      await strict.addUser({ username: 'otto', email: 'otto@example.com', password: 'short-pass' });
      await strict.configure((s) => ({ ...s, passwordPolicy: { ...s.passwordPolicy, minLength: 20, validateOnLogin: true } }));
      const validation = await strict.login('otto', 'short-pass');
      assert.equal(validation.status, 203);
      assert.equal(validation.body.changePasswordReason, 'Validation');

      const verify = await tenant({ emailConfiguration: { verifyEmail: true, verificationEmailTemplateId: crypto.randomUUID() } });
      await verify.addUser({ username: 'pia', email: 'pia@example.com', password: 'pias-password' });
      await verify.addUser({ username: 'quinn', email: 'quinn@example.com', password: 'quinns-password', is_verified: true });
      assert.equal((await verify.login('pia', 'pias-password')).status, 212);
      assert.equal((await verify.login('quinn', 'quinns-password')).status, 200);

      const off = await tenant();
      await off.addUser({ username: 'rex', email: 'rex@example.com', password: 'rexs-password', is_disabled: true });
      assert.equal((await off.login('rex', 'rexs-password')).status, 409);
      assert.equal((await off.login('rex', 'wrong')).status, 404);
    });

    test('the same email in two tenants logs in with each tenant’s own password', async () => {
      const a = await tenant();
      const b = await tenant();
      await a.addUser({ username: 'sam', email: 'sam@example.com', password: 'password-in-a' });
      await b.addUser({ username: 'sam', email: 'sam@example.com', password: 'password-in-b' });
      assert.equal((await a.login('sam@example.com', 'password-in-a')).status, 200);
      assert.equal((await a.login('sam@example.com', 'password-in-b')).status, 404);
      assert.equal((await b.login('sam@example.com', 'password-in-b')).status, 200);
      const noTenant = await t.fetch('/api/login', { method: 'POST', body: { loginId: 'sam@example.com', password: 'password-in-a' } });
      assert.equal(noTenant.status, 400);
      assert.equal(noTenant.body.generalErrors[0].code, '[TenantIdRequired]');
    });
  });
}

describe('client IP and TRUST_PROXY', () => {
  for (const [label, trustProxy, expectBlockedVia] of [
    ['X-Forwarded-For is ignored without TRUST_PROXY', [] as string[], 'socket'],
    ['X-Forwarded-For is honoured from a listed proxy', ['127.0.0.1'], 'header'],
  ] as const) {
    test(label, async () => {
      const t = await startTestServer(backends()[0]!, { trustProxy: [...trustProxy] });
      try {
        const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: 'Proxy', passwordEncryptionConfiguration: { encryptionSchemeFactor: 1000 } } as any }));
        const id = created.response.tenant.id;
        await t.server.tenants.update({}, id, (cur) => ({ name: cur.name, settings: { ...cur.settings, ipBruteForce: { ...cur.settings.ipBruteForce, enabled: true, maxAttempts: 2 } } }));
        const login = (xff: string) => t.fetch('/api/login', { method: 'POST', body: { loginId: 'x', password: 'y' }, headers: { 'x-fusionauth-tenantid': id, 'x-forwarded-for': xff } });
        await login('203.0.113.1');
        await login('203.0.113.2');
        const third = await login('203.0.113.3');
        // Trusted: three different clients, none blocked. Untrusted: all three are 127.0.0.1.
        assert.equal(third.status, expectBlockedVia === 'socket' ? 429 : 404);
      } finally {
        await t.stop();
      }
    });
  }
});
