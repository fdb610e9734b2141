/**
 * One test per class of answer the route fuzz found: FusionAuth's `null` refused as a type
 * error, and malformed requests that reached the database or the response builder and answered
 * 5xx (or answered 5xx after committing). Each runs on every back end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt, codesFor } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`mended request handling on ${backend.name}`, () => {
    let t: TestServer;
    let defaultId: string;
    let counter = 0;
    const fresh = (prefix: string) => `${prefix} ${process.pid}-${++counter}`;
    const vault = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) =>
      t.fetch(`/tenants/default${path}`, { ...init, headers: { authorization: `Bearer ${t.apiKey}`, ...(init.headers ?? {}) } });

    before(async () => {
      t = await startTestServer(backend);
      const list = await t.fetch('/api/tenant');
      defaultId = list.body.tenants.find((x: { name: string }) => x.name === 'Default').id;
    });
    after(async () => {
      await t?.stop();
    });

    describe('FusionAuth: null means "not given"', () => {
      const nulled = (tenant: Record<string, unknown>, name: string) => ({
        ...tenant,
        id: null,
        name,
        themeId: null,
        data: null,
        logoutURL: null,
        insertInstant: null,
        lastUpdateInstant: null,
        state: null,
        emailConfiguration: { ...(tenant.emailConfiguration as object), defaultFromName: null, forgotPasswordEmailTemplateId: null },
        jwtConfiguration: { ...(tenant.jwtConfiguration as object), refreshTokenRevocationPolicy: null },
      });

      test('the Default tenant copied with id, themeId, data … set to null is created (raw HTTP)', async () => {
        const original = await t.fetch(`/api/tenant/${defaultId}`);
        const name = fresh('Copy of Default');
        const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: nulled(original.body.tenant, name) } });
        assert.equal(created.status, 200, created.text);
        assert.equal(created.body.tenant.name, name);
        assert.notEqual(created.body.tenant.id, defaultId, 'a null id is no id: a new one is chosen');
        assert.equal(created.body.tenant.themeId, original.body.tenant.themeId, 'a null themeId takes the default');
        assert.equal(created.body.tenant.jwtConfiguration.refreshTokenRevocationPolicy.onPasswordChanged, original.body.tenant.jwtConfiguration.refreshTokenRevocationPolicy.onPasswordChanged);
      });

      test('the same through the FusionAuth TypeScript client', async () => {
        const client = t.client();
        const original = await attempt(client.retrieveTenant(defaultId));
        assert.equal(original.statusCode, 200);
        const name = fresh('Client copy');
        const created = await attempt(client.createTenant(null as unknown as string, { tenant: nulled(original.response.tenant, name) as any }));
        assert.equal(created.statusCode, 200, JSON.stringify(created.response));
        assert.equal(created.response.tenant.name, name);
      });

      test('PUT with themeId: null returns the theme to its default, as if left out', async () => {
        const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: fresh('Themed'), themeId: '11111111-2222-4333-8444-555555555555' } } });
        assert.equal(created.status, 200, created.text);
        const put = await t.fetch(`/api/tenant/${created.body.tenant.id}`, { method: 'PUT', body: { tenant: { name: created.body.tenant.name, themeId: null, data: null } } });
        assert.equal(put.status, 200, put.text);
        assert.notEqual(put.body.tenant.themeId, '11111111-2222-4333-8444-555555555555');
      });

      test('null optional members are accepted by the key, API key, login and email template requests', async () => {
        const key = await t.fetch('/api/key/generate', { method: 'POST', body: { key: { algorithm: 'ES256', name: fresh('Nulled key'), id: null, length: null, issuer: null } } });
        assert.equal(key.status, 200, key.text);
        const apiKey = await t.fetch('/api/api-key', { method: 'POST', body: { apiKey: { id: null, key: null, tenantId: null, permissions: null, metaData: { attributes: null } } } });
        assert.equal(apiKey.status, 200, apiKey.text);
        assert.equal(apiKey.body.apiKey.tenantId, undefined);
        const template = await t.fetch('/api/email/template', {
          method: 'POST',
          body: { emailTemplate: { name: fresh('Nulled template'), defaultSubject: 'Hi', defaultTextTemplate: 'Hi', defaultHtmlTemplate: '<p>Hi</p>', fromEmail: null, defaultFromName: null } },
        });
        assert.equal(template.status, 200, template.text);
        const login = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': defaultId }, body: { loginId: 'nobody@example.com', password: 'wrong-password', applicationId: null, ipAddress: null, noJWT: null } });
        assert.equal(login.status, 404, 'an unknown user, not a refused body');
      });

      test('a required field is still required when null', async () => {
        const login = await t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': defaultId }, body: { loginId: null, password: 'x' } });
        assert.equal(login.status, 400);
        assert.ok(login.body.fieldErrors.loginId, login.text);
      });
    });

    describe('password factors', () => {
      for (const factor of [3, 32, 40]) {
        test(`a bcrypt factor of ${factor} is refused (FA schema)`, async () => {
          const res = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: fresh('Bcrypt'), passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: factor } } } });
          assert.equal(res.status, 400, res.text);
          assert.ok(res.body.fieldErrors['tenant.passwordEncryptionConfiguration.encryptionSchemeFactor'], res.text);
        });
      }

      test('switching a tenant with a large pbkdf2 factor to bcrypt alone is refused (core rule)', async () => {
        const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: fresh('Pbkdf2') } } });
        assert.equal(created.status, 200, created.text);
        const patch = await t.fetch(`/api/tenant/${created.body.tenant.id}`, { method: 'PATCH', body: { tenant: { passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt' } } } });
        assert.equal(patch.status, 400, patch.text);
        assert.deepEqual(codesFor(patch.body, 'tenant.passwordEncryptionConfiguration.encryptionSchemeFactor'), ['[invalid]tenant.passwordEncryptionConfiguration.encryptionSchemeFactor']);
        // Users can still be given passwords there.
        const user = await t.fetch(`/tenants/${created.body.tenant.id}/users`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: { username: 'still-fine', email: 'still@example.com', password: 'a-long-enough-password' } });
        assert.equal(user.status, 201, user.text);
      });

      test('an imported bcrypt hash with a cost above 31 is refused per user', async () => {
        const res = await vault('/users', { method: 'POST', body: { username: fresh('imp').replace(/\s/g, '-'), email: 'imp@example.com', encryption_scheme: 'bcrypt', factor: 40, hash: 'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy' } });
        assert.equal(res.status, 422, res.text);
        assert.deepEqual(res.body.detail[0].loc, ['body', 'factor']);
      });
    });

    describe('lengths and numbers the columns cannot hold', () => {
      for (const [label, name] of [
        ['191 letters', 'N'.repeat(191)],
        ['191 emoji (code points)', '\u{1F600}'.repeat(191)],
      ] as const) {
        test(`a tenant named with ${label} gets keys whose names fit the column`, async () => {
          const res = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name } } });
          assert.equal(res.status, 200, res.text.slice(0, 500));
          const keys = await t.fetch('/api/key');
          const own = keys.body.keys.filter((k: { id: string }) => k.id === res.body.tenant.jwtConfiguration.accessTokenKeyId || k.id === res.body.tenant.jwtConfiguration.idTokenKeyId);
          assert.equal(own.length, 2);
          for (const key of own) assert.ok([...key.name].length <= 191, `${[...key.name].length} code points`);
          assert.notEqual(own[0].name, own[1].name);
        });
      }

      test('a lockout longer than a Date can reach is refused, and logins keep working', async () => {
        const res = await t.fetch('/api/tenant', {
          method: 'POST',
          body: { tenant: { name: fresh('Forever'), failedAuthenticationConfiguration: { actionDuration: Number.MAX_SAFE_INTEGER, actionDurationUnit: 'YEARS', tooManyAttempts: 1 } } },
        });
        assert.equal(res.status, 400, res.text);
        assert.ok(res.body.fieldErrors['tenant.failedAuthenticationConfiguration.actionDuration'], res.text);
      });

      test('a lockout of 99,000 years locks out and is listed with its date (no overflow)', async () => {
        const res = await t.fetch('/api/tenant', {
          method: 'POST',
          body: { tenant: { name: fresh('Long lock'), failedAuthenticationConfiguration: { actionDuration: 99_000, actionDurationUnit: 'YEARS', tooManyAttempts: 1 } } },
        });
        assert.equal(res.status, 200, res.text);
        const id = res.body.tenant.id;
        const user = await t.fetch(`/tenants/${id}/users`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: { username: 'locked.out', email: 'locked@example.com', password: 'the-right-password' } });
        assert.equal(user.status, 201, user.text);
        const login = (password: string) => t.fetch('/api/login', { method: 'POST', headers: { 'x-fusionauth-tenantid': id }, body: { loginId: 'locked.out', password } });
        assert.equal((await login('wrong-password')).status, 404);
        assert.equal((await login('the-right-password')).status, 409, 'locked out');
        const blocked = await t.fetch(`/tenants/${id}/blocked-users`, { headers: { authorization: `Bearer ${t.apiKey}` } });
        assert.equal(blocked.status, 200, blocked.text);
        assert.equal(blocked.body.data.length, 1);
        assert.ok(Date.parse(blocked.body.data[0].blocked_at) > 0, blocked.text);
      });

      test('instants given as read-only members are held to what a Date holds', async () => {
        const res = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: fresh('Instant'), insertInstant: 1e300 } } });
        assert.equal(res.status, 400, res.text);
      });
    });

    describe('Vault dates and what is committed', () => {
      test('a leap second is not a date-time a user can be created with', async () => {
        const res = await vault('/users', { method: 'POST', body: { username: 'leap-create', email: 'leap@example.com', created_at: '2016-12-31T23:59:60Z' } });
        assert.equal(res.status, 422, res.text);
        assert.deepEqual(res.body.detail[0].loc, ['body', 'created_at']);
      });

      test('a refused PUT (leap second) leaves the user as it was', async () => {
        const created = await vault('/users', { method: 'POST', body: { username: 'leap-before', email: 'leap-before@example.com' } });
        assert.equal(created.status, 201, created.text);
        const put = await vault(`/users/${created.body.user_id}`, { method: 'PUT', body: { username: 'leap-after', email: 'leap-before@example.com', created_at: '2016-12-31T23:59:60Z' } });
        assert.equal(put.status, 422, put.text);
        const now = await vault(`/users/${created.body.user_id}`);
        assert.equal(now.body.username, 'leap-before');
      });

      test('a batch with one unrepresentable date creates the others and names the one that failed', async () => {
        const res = await vault('/users/batch', {
          method: 'POST',
          body: { users: [{ username: 'batch-ok-1', email: 'b1@example.com' }, { username: 'batch-leap', email: 'bl@example.com', created_at: '2016-12-31T23:59:60Z' }, { username: 'batch-ok-2', email: 'b2@example.com' }] },
        });
        assert.equal(res.status, 201, res.text);
        assert.equal(res.body.success_created_count, 2);
        assert.deepEqual(res.body.fail_create_usernames, ['batch-leap']);
      });
    });

    describe('path and query parameters', () => {
      test('a NUL or over-long tenant reference is not found, not a database error', async () => {
        for (const ref of ['%00', 'a%00b', 'x'.repeat(90)]) {
          const res = await t.fetch(`/tenants/${ref}/users`, { headers: { authorization: `Bearer ${t.apiKey}` } });
          assert.equal(res.status, 404, `${ref}: ${res.text}`);
          assert.deepEqual(res.body, { detail: 'Tenant not found' });
        }
      });

      test('NUL in user ids, usernames, IPs and query filters is a 422 about the path or query', async () => {
        for (const [path, where] of [
          ['/users/a%00b', 'path'],
          ['/users/by-username/a%00b', 'path'],
          ['/blocked-ips/1.2.3.4%00', 'path'],
          ['/blocked-users/u%00', 'path'],
          ['/users?username=a%00', 'query'],
          ['/users?email=%00', 'query'],
        ] as const) {
          const res = await vault(path, path.startsWith('/blocked-') ? { method: 'DELETE' } : {});
          assert.equal(res.status, 422, `${path}: ${res.status} ${res.text}`);
          assert.equal(res.body.detail[0].loc[0], where, `${path}: ${res.text}`);
        }
      });

      test('repeated and out-of-range query parameters are refused in the dialect shape', async () => {
        for (const path of ['/users?limit=1&limit=2', '/users?offset=100000000000000000000', '/users?offset=1000000001', '/blocked-ips?page=1000000000000', '/blocked-users?page_size=1&page_size=2']) {
          const res = await vault(path);
          assert.equal(res.status, 422, `${path}: ${res.text}`);
          assert.ok(Array.isArray(res.body.detail), res.text);
        }
        const resend = await t.fetch('/api/user/verify-email?email=a@example.com&email=b@example.com', { method: 'PUT', headers: { 'x-fusionauth-tenantid': defaultId } });
        assert.equal(resend.status, 400, resend.text);
        const nul = await t.fetch('/api/user/verify-email?email=a%00@example.com', { method: 'PUT', headers: { 'x-fusionauth-tenantid': defaultId } });
        assert.equal(nul.status, 400, nul.text);
        assert.ok(nul.body.fieldErrors.email, nul.text);
      });

      test('DELETE /api/tenant with async given twice deletes nothing', async () => {
        const created = await t.fetch('/api/tenant', { method: 'POST', body: { tenant: { name: fresh('Keep me') } } });
        const id = created.body.tenant.id;
        const res = await t.fetch(`/api/tenant/${id}?async=true&async=false`, { method: 'DELETE' });
        assert.equal(res.status, 400, res.text);
        assert.equal((await t.fetch(`/api/tenant/${id}`)).status, 200);
      });

      test('one-time ids with NUL are refused, not looked up', async () => {
        const change = await t.fetch('/api/user/change-password/a%00b', { method: 'POST', headers: { authorization: '' }, body: { password: 'whatever-password' } });
        assert.equal(change.status, 400, change.text);
        const verify = await t.fetch('/api/user/verify-email/a%00b', { method: 'POST', headers: { authorization: '' } });
        assert.equal(verify.status, 400, verify.text);
      });
    });
  });
}
