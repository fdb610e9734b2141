/** Vault user API (seed 004) on every back end: CRUD, search, paging, batch, imports, errors. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

for (const backend of backends()) {
  describe(`Vault user API on ${backend.name}`, () => {
    let t: TestServer;
    let slug: string;
    let tenantId: string;
    const bearer = () => ({ authorization: `Bearer ${t.apiKey}` });
    const api = (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => t.fetch(`/tenants/${slug}${path}`, { ...init, headers: { ...bearer(), ...(init.headers ?? {}) } });

    before(async () => {
      t = await startTestServer(backend);
      const created = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Vault Users ${crypto.randomUUID().slice(0, 8)}` } }));
      tenantId = created.response.tenant.id;
      slug = new URL(created.response.tenant.issuer).pathname.slice(1);
    });
    after(async () => {
      await t?.stop();
    });

    test('create (201), get by id and by username, in the seed shape', async () => {
      const created = await api('/users', { method: 'POST', body: { username: 'ada.lovelace', email: 'ada@example.com', roles: ['admin'], locale: 'en-GB', external_id: 'ext-1', password: 'Analytical-Engine-1843' } });
      assert.equal(created.status, 201, created.text);
      const user = created.body;
      assert.deepEqual(Object.keys(user).sort(), ['created_at', 'email', 'external_id', 'is_disabled', 'is_verified', 'locale', 'roles', 'tenant_id', 'updated_at', 'user_id', 'username']);
      assert.equal(user.tenant_id, slug);
      assert.equal(user.is_disabled, false);
      assert.deepEqual(user.roles, ['admin']);
      assert.ok(!Number.isNaN(Date.parse(user.created_at)));
      assert.ok(!created.text.includes('Analytical'), 'the password is never echoed');
      assert.deepEqual((await api(`/users/${user.user_id}`)).body, user);
      assert.deepEqual((await api('/users/by-username/ADA.LOVELACE')).body, user, 'usernames match case-insensitively');
      const byUuid = await t.fetch(`/tenants/${tenantId}/users/${user.user_id}`, { headers: bearer() });
      assert.equal(byUuid.status, 200, 'the tenant UUID works in paths as well as the slug');
    });

    test('the stored password is a hash under the tenant scheme', async () => {
      const created = await api('/users', { method: 'POST', body: { username: 'hashed', email: 'hashed@example.com', password: 'correct-horse-battery' } });
      const row = await t.server.database.db.selectFrom('users').selectAll().where('id', '=', created.body.user_id).executeTakeFirstOrThrow();
      assert.equal(row.password_scheme, 'salted-pbkdf2-hmac-sha256');
      assert.equal(row.password_factor, 24000);
      assert.ok(row.password_hash && !row.password_hash.includes('correct-horse'));
    });

    test('username and email are unique within a tenant, not across tenants', async () => {
      await api('/users', { method: 'POST', body: { username: 'grace', email: 'grace@example.com' } });
      const sameName = await api('/users', { method: 'POST', body: { username: 'Grace', email: 'other@example.com' } });
      assert.equal(sameName.status, 422);
      assert.deepEqual(sameName.body.detail[0].loc, ['body', 'username']);
      const sameEmail = await api('/users', { method: 'POST', body: { username: 'grace2', email: 'GRACE@example.com' } });
      assert.equal(sameEmail.status, 422);
      assert.deepEqual(sameEmail.body.detail[0].loc, ['body', 'email']);
      const other = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Other ${crypto.randomUUID().slice(0, 8)}` } }));
      const otherSlug = new URL(other.response.tenant.issuer).pathname.slice(1);
      const elsewhere = await t.fetch(`/tenants/${otherSlug}/users`, { method: 'POST', body: { username: 'grace', email: 'grace@example.com', password: 'a-different-password' }, headers: bearer() });
      assert.equal(elsewhere.status, 201, 'the same person may live in another tenant');
    });

    test('validation errors are 422 naming the field', async () => {
      const cases: Array<[unknown, Array<string | number>]> = [
        [{ email: 'x@example.com' }, ['body', 'username']],
        [{ username: 'bad name!', email: 'x@example.com' }, ['body', 'username']],
        [{ username: 'x'.repeat(129), email: 'x@example.com' }, ['body', 'username']],
        [{ username: 'okname', email: 'not-an-email' }, ['body', 'email']],
        [{ username: 'okname', email: 'x@example.com', is_disabled: 'yes' }, ['body', 'is_disabled']],
        [{ username: 'okname', email: 'x@example.com', roles: 'admin' }, ['body', 'roles']],
        [{ username: 'okname', email: 'x@example.com', password: 'short' }, ['body', 'password']],
        [{ username: 'okname', email: 'x@example.com', encryption_scheme: 'rot13', hash: 'abc' }, ['body', 'encryption_scheme']],
        [{ username: 'okname', email: 'x@example.com', hash: 'abc' }, ['body', 'encryption_scheme']],
        [{ username: 'okname', email: 'x@example.com', tenant_id: 'someone-else' }, ['body', 'tenant_id']],
      ];
      for (const [body, loc] of cases) {
        const response = await api('/users', { method: 'POST', body });
        assert.equal(response.status, 422, `${JSON.stringify(body)} → ${response.status} ${response.text}`);
        assert.ok(response.body.detail.some((d: any) => JSON.stringify(d.loc) === JSON.stringify(loc)), `${JSON.stringify(body)}: ${response.text}`);
        for (const d of response.body.detail) {
          assert.equal(typeof d.msg, 'string');
          assert.equal(typeof d.type, 'string');
        }
      }
      const list = await api('/users?limit=0');
      assert.equal(list.status, 422);
      assert.deepEqual(list.body.detail[0].loc, ['query', 'limit']);
      assert.equal((await api('/users?limit=501')).status, 422);
      assert.equal((await api('/users?sort_by=password')).status, 422);
      assert.equal((await api('/users?sort_direction=2')).status, 422);
      const malformed = await api('/users', { method: 'POST', rawBody: '{"username":' });
      assert.ok(malformed.status >= 400 && malformed.status < 500);
    });

    test('unknown users, unknown tenants and missing keys', async () => {
      assert.equal((await api(`/users/${crypto.randomUUID()}`)).status, 404);
      assert.equal((await api('/users/by-username/nobody-here')).status, 404);
      assert.equal((await api(`/users/${crypto.randomUUID()}`, { method: 'DELETE' })).status, 404);
      assert.equal((await t.fetch('/tenants/no-such-tenant/users', { headers: bearer() })).status, 404);
      const anonymous = await t.fetch(`/tenants/${slug}/users`, { headers: { authorization: '' } });
      assert.equal(anonymous.status, 401);
      assert.equal(typeof anonymous.body.detail, 'string');
      const xApiKey = await t.fetch(`/tenants/${slug}/users`, { headers: { authorization: '', 'x-api-key': t.apiKey } });
      assert.equal(xApiKey.status, 200);
    });

    test('a key locked to another tenant cannot reach these users', async () => {
      const other = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Locked ${crypto.randomUUID().slice(0, 8)}` } }));
      const key = await attempt(t.client().createAPIKey(null as unknown as string, { apiKey: { tenantId: other.response.tenant.id } }));
      const refused = await t.fetch(`/tenants/${slug}/users`, { headers: { authorization: `Bearer ${key.response.apiKey.key}` } });
      assert.equal(refused.status, 403);
    });

    test('PUT replaces the profile and keeps the password unless one is given', async () => {
      const created = await api('/users', { method: 'POST', body: { username: 'put.me', email: 'put@example.com', roles: ['a'], locale: 'fr', password: 'first-password-1' } });
      const id = created.body.user_id;
      const before = await t.server.database.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow();
      const put = await api(`/users/${id}`, { method: 'PUT', body: { user_id: id, username: 'put.me', email: 'put2@example.com', is_disabled: true } });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.email, 'put2@example.com');
      assert.equal(put.body.is_disabled, true);
      assert.deepEqual(put.body.roles, [], 'left-out fields return to defaults');
      assert.equal(put.body.locale, null);
      assert.equal(put.body.created_at, created.body.created_at);
      const after = await t.server.database.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(after.password_hash, before.password_hash);
      const mismatch = await api(`/users/${id}`, { method: 'PUT', body: { user_id: 'someone-else', username: 'put.me', email: 'put2@example.com' } });
      assert.equal(mismatch.status, 422);
      assert.equal((await api(`/users/${crypto.randomUUID()}`, { method: 'PUT', body: { username: 'ghost', email: 'ghost@example.com' } })).status, 404);
      assert.equal((await api(`/users/${id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await api(`/users/${id}`)).status, 404);
    });

    test('list: prefix search, paging, sorting, totals', async () => {
      const tenant = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Listing ${crypto.randomUUID().slice(0, 8)}` } }));
      const s = new URL(tenant.response.tenant.issuer).pathname.slice(1);
      const users = Array.from({ length: 25 }, (_, i) => ({ username: `member${String(i).padStart(2, '0')}`, email: `m${i}@${i % 2 ? 'odd' : 'even'}.example.com` }));
      const batch = await t.fetch(`/tenants/${s}/users/batch`, { method: 'POST', body: { users }, headers: bearer() });
      assert.equal(batch.status, 201);
      const list = (q: string) => t.fetch(`/tenants/${s}/users${q}`, { headers: bearer() });
      const first = await list('');
      assert.equal(first.body.data.length, 10, 'default limit 10');
      assert.equal(first.body.total_count, 25);
      assert.equal(first.body.has_next, true);
      const page3 = await list('?limit=10&offset=20&sort_by=username&sort_direction=1');
      assert.deepEqual(page3.body.data.map((u: any) => u.username), ['member20', 'member21', 'member22', 'member23', 'member24']);
      assert.equal(page3.body.has_next, false);
      const desc = await list('?sort_by=username&sort_direction=-1&limit=2');
      assert.deepEqual(desc.body.data.map((u: any) => u.username), ['member24', 'member23']);
      const prefix = await list('?username=MEMBER1&limit=500');
      assert.equal(prefix.body.total_count, 10);
      assert.ok(prefix.body.data.every((u: any) => u.username.startsWith('member1')));
      const byEmail = await list('?email=m1@&limit=500');
      assert.deepEqual(byEmail.body.data.map((u: any) => u.email), ['m1@odd.example.com']);
    });

    test('batch create reports created, failed and duplicate usernames', async () => {
      await api('/users', { method: 'POST', body: { username: 'already.here', email: 'already@example.com' } });
      const response = await api('/users/batch', {
        method: 'POST',
        body: {
          users: [
            { username: 'batch.one', email: 'b1@example.com' },
            { username: 'batch.two', email: 'b2@example.com', password: 'batch-password-2' },
            { username: 'already.here', email: 'new-already@example.com' },
            { username: 'batch.one', email: 'b1-again@example.com' },
            { username: 'bad name', email: 'b3@example.com' },
            { username: 'weak.pw', email: 'b4@example.com', password: 'x' },
          ],
        },
      });
      assert.equal(response.status, 201, response.text);
      assert.deepEqual(response.body, { success_created_count: 2, fail_create_usernames: ['bad name', 'weak.pw'], duplicate_usernames: ['already.here', 'batch.one'] });
      assert.equal((await api('/users/by-username/batch.two')).status, 200);
      assert.equal((await api('/users/by-username/weak.pw')).status, 404);
    });

    test('a batch of 10,000 users is created in one request', async () => {
      const tenant = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Bulk ${crypto.randomUUID().slice(0, 8)}` } }));
      const s = new URL(tenant.response.tenant.issuer).pathname.slice(1);
      const users = Array.from({ length: 10000 }, (_, i) => ({ username: `bulk${i}`, email: `bulk${i}@example.com`, encryption_scheme: 'bcrypt', factor: 10, hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy' }));
      const response = await t.fetch(`/tenants/${s}/users/batch`, { method: 'POST', body: { users }, headers: bearer() });
      assert.equal(response.status, 201, response.text.slice(0, 500));
      assert.equal(response.body.success_created_count, 10000);
      const list = await t.fetch(`/tenants/${s}/users?limit=1`, { headers: bearer() });
      assert.equal(list.body.total_count, 10000);
      if (backend.name === 'postgres') {
        // An import this size refreshes the planner's statistics (autovacuum may be slow or off).
        await t.server.statistics.settle();
        const stats = await sql<{ n: number }>`select count(*)::int as n from pg_stats where tablename = 'users' and attname = 'username_lower'`.execute(t.server.database.db);
        assert.equal(stats.rows[0]?.n, 1);
      }
    });

    test('a database error in the middle of a batch writes nothing', async () => {
      const tenant = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Atomic ${crypto.randomUUID().slice(0, 8)}` } }));
      const s = new URL(tenant.response.tenant.issuer).pathname.slice(1);
      const db = t.server.database.db;
      // A real failure from the database itself, on the 1,900th row of 2,000.
      if (backend.name === 'sqlite') {
        await sql`CREATE TRIGGER fail_batch BEFORE INSERT ON users WHEN NEW.username = 'atomic1899' BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END`.execute(db);
      } else {
        await sql`CREATE FUNCTION fail_batch() RETURNS trigger AS $$ BEGIN IF NEW.username = 'atomic1899' THEN RAISE EXCEPTION 'simulated storage failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`.execute(db);
        await sql`CREATE TRIGGER fail_batch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION fail_batch()`.execute(db);
      }
      try {
        const users = Array.from({ length: 2000 }, (_, i) => ({ username: `atomic${i}`, email: `atomic${i}@example.com` }));
        const response = await t.fetch(`/tenants/${s}/users/batch`, { method: 'POST', body: { users }, headers: bearer() });
        assert.equal(response.status, 500);
        const list = await t.fetch(`/tenants/${s}/users?limit=1`, { headers: bearer() });
        assert.equal(list.body.total_count, 0, 'no partial write');
      } finally {
        await sql`DROP TRIGGER fail_batch${sql.raw(backend.name === 'postgres' ? ' ON users' : '')}`.execute(db);
        if (backend.name === 'postgres') await sql`DROP FUNCTION fail_batch()`.execute(db);
      }
    });

    test('batch delete removes only this tenant’s users', async () => {
      const a = await api('/users', { method: 'POST', body: { username: 'del.a', email: 'del.a@example.com' } });
      const b = await api('/users', { method: 'POST', body: { username: 'del.b', email: 'del.b@example.com' } });
      assert.equal(a.status, 201, a.text);
      assert.equal(b.status, 201, b.text);
      const other = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Keep ${crypto.randomUUID().slice(0, 8)}` } }));
      assert.equal(other.statusCode, 200, JSON.stringify(other.response));
      const otherSlug = new URL(other.response.tenant.issuer).pathname.slice(1);
      const theirs = await t.fetch(`/tenants/${otherSlug}/users`, { method: 'POST', body: { username: 'keep.me', email: 'keep@example.com' }, headers: bearer() });
      assert.equal(theirs.status, 201, theirs.text);
      const ids: string[] = [a.body.user_id, b.body.user_id, theirs.body.user_id];
      assert.equal(new Set(ids).size, 3, `three distinct user ids: ${JSON.stringify(ids)}`);
      // Each exists where it was created, so a 404 below can only mean the delete happened.
      for (const id of [a.body.user_id, b.body.user_id]) assert.equal((await api(`/users/${id}`)).status, 200);
      assert.equal((await t.fetch(`/tenants/${otherSlug}/users/${theirs.body.user_id}`, { headers: bearer() })).status, 200);
      const countBefore = (await api('/users?limit=1')).body.total_count;
      const theirCountBefore = (await t.fetch(`/tenants/${otherSlug}/users?limit=1`, { headers: bearer() })).body.total_count;
      assert.ok(countBefore >= 2 && theirCountBefore >= 1, `${countBefore} / ${theirCountBefore}`);
      const response = await api('/users/batch-delete', { method: 'POST', body: { users_ids: ids } });
      assert.equal(response.status, 201, response.text);
      assert.equal((await api('/users?limit=1')).body.total_count, countBefore - 2, 'the total follows deletions');
      assert.equal((await t.fetch(`/tenants/${otherSlug}/users?limit=1`, { headers: bearer() })).body.total_count, theirCountBefore, 'and only this tenant’s');
      assert.equal((await api(`/users/${a.body.user_id}`)).status, 404);
      assert.equal((await api(`/users/${b.body.user_id}`)).status, 404);
      assert.equal((await t.fetch(`/tenants/${otherSlug}/users/${theirs.body.user_id}`, { headers: bearer() })).status, 200, 'another tenant’s user is untouched');
    });

    test('deleting a tenant deletes its users', async () => {
      const doomed = await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Doomed ${crypto.randomUUID().slice(0, 8)}` } }));
      const s = new URL(doomed.response.tenant.issuer).pathname.slice(1);
      const user = await t.fetch(`/tenants/${s}/users`, { method: 'POST', body: { username: 'goner', email: 'goner@example.com' }, headers: bearer() });
      await attempt(t.client().deleteTenant(doomed.response.tenant.id));
      const rows = await t.server.database.db.selectFrom('users').select('id').where('id', '=', user.body.user_id).execute();
      assert.equal(rows.length, 0);
    });
  });
}
