/**
 * Passwords end to end: each scheme a tenant can choose (FusionAuth's encryptionScheme or
 * PlusAuth's hash_function) stores and verifies; a user changing their own password meets the
 * minimum age and the rules.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { applyPlusAuthHashFunction } from '../../src/dialects/plusauth/hash-function.js';
import { backends } from '../support/backends.js';
import { attempt, codesFor } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`passwords on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    async function tenant(fa: Record<string, unknown>) {
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Pw ${crypto.randomUUID().slice(0, 8)}`, ...fa } as any }));
      assert.equal(created.statusCode, 200, JSON.stringify(created.response));
      const id = created.response.tenant.id as string;
      const slug = new URL(created.response.tenant.issuer).pathname.slice(1);
      return { id, slug };
    }

    for (const [label, fa, configure, scheme, factor] of [
      ['FusionAuth pbkdf2', { passwordEncryptionConfiguration: { encryptionScheme: 'salted-pbkdf2-hmac-sha256', encryptionSchemeFactor: 5000 } }, undefined, 'salted-pbkdf2-hmac-sha256', 5000],
      ['FusionAuth bcrypt', { passwordEncryptionConfiguration: { encryptionScheme: 'bcrypt', encryptionSchemeFactor: 6 } }, undefined, 'bcrypt', 6],
      ['FusionAuth argon2id', { passwordEncryptionConfiguration: { encryptionScheme: 'argon2id', encryptionSchemeFactor: 1 } }, undefined, 'argon2id', 1],
      ['PlusAuth hash_function argon2', {}, 'argon2', 'argon2id', 2],
      ['PlusAuth hash_function bcrypt', {}, 'bcrypt', 'bcrypt', 10],
    ] as const) {
      test(`${label}: new passwords are stored with that scheme and log in`, async () => {
        const ten = await tenant(fa);
        if (configure) await t.server.tenants.update({}, ten.id, (cur) => ({ name: cur.name, settings: applyPlusAuthHashFunction(cur.settings, configure) }));
        const created = await t.fetch(`/tenants/${ten.slug}/users`, { method: 'POST', body: { username: 'u1', email: 'u1@example.com', password: 'a-good-password' }, headers: { authorization: `Bearer ${t.apiKey}` } });
        assert.equal(created.status, 201, created.text);
        const row = await t.server.database.db.selectFrom('users').selectAll().where('id', '=', created.body.user_id).executeTakeFirstOrThrow();
        assert.equal(row.password_scheme, scheme);
        assert.equal(row.password_factor, factor);
        const login = (password: string) => t.fetch('/api/login', { method: 'POST', body: { loginId: 'u1', password }, headers: { 'x-fusionauth-tenantid': ten.id } });
        assert.equal((await login('a-good-password')).status, 200);
        assert.equal((await login('a-bad-password')).status, 404);
      });
    }

    test('changing one’s own password: current password proven, minimum age, rules', async () => {
      const ten = await tenant({ minimumPasswordAge: { enabled: true, seconds: 30 }, passwordValidationRules: { requireNumber: true }, passwordEncryptionConfiguration: { encryptionSchemeFactor: 1000 } });
      await t.fetch(`/tenants/${ten.slug}/users`, { method: 'POST', body: { username: 'owner', email: 'owner@example.com', password: 'first-password-1' }, headers: { authorization: `Bearer ${t.apiKey}` } });
      const changeOwn = (currentPassword: string, password: string) =>
        t.fetch('/api/user/change-password', { method: 'POST', body: { loginId: 'owner', currentPassword, password }, headers: { 'x-fusionauth-tenantid': ten.id } });
      const tooSoon = await changeOwn('first-password-1', 'second-password-2');
      assert.equal(tooSoon.status, 400);
      assert.deepEqual(codesFor(tooSoon.body, 'password'), ['[tooYoung]password']);
      t.clock.advance(31_000);
      assert.equal((await changeOwn('not-the-password', 'second-password-2')).status, 404);
      const noNumber = await changeOwn('first-password-1', 'no-number-here');
      assert.deepEqual(codesFor(noNumber.body, 'password'), ['[requireNumber]password']);
      assert.equal((await changeOwn('first-password-1', 'second-password-2')).status, 200);
      const login = await t.fetch('/api/login', { method: 'POST', body: { loginId: 'owner', password: 'second-password-2' }, headers: { 'x-fusionauth-tenantid': ten.id } });
      assert.equal(login.status, 200);
    });
  });
}
