/**
 * The storage contract suite: every repository method of src/storage/contract.ts, run the same
 * on SQLite and PostgreSQL. The guarantees the core relies on are asserted under concurrency
 * where they are about concurrency (a single consumer of a one-time id, a reservation counter
 * that never passes its limit), and tenant scope is asserted for every per-tenant repository.
 * The OpenID adapter's models extend this suite (atomic consume, expiry, revoke by grant), and
 * so do users' sessions (one per provider session, ending them with what they referenced).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Conflict, type Tenant, type User } from '../../src/core/domain.js';
import { defaultTenantSettings } from '../../src/core/tenants/settings.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/connect.js';
import type { ApiKeyRecord, ClientRecord, KeyRecord, SessionRecord, Storage } from '../../src/storage/contract.js';
import type { ClientAccess } from '../../src/clientinfo/access.js';
import { createStorage } from '../../src/storage/kysely-storage.js';
import { type TestDatabase, backends } from '../support/backends.js';

const NOW = 1_800_000_000_000;

function tenantRecord(name: string, keyId = 'no-key'): Tenant {
  const id = crypto.randomUUID();
  return {
    id,
    slug: `s-${id.slice(0, 8)}`,
    name,
    state: 'Active',
    settings: defaultTenantSettings({ issuer: `https://issuer.example/${id}`, accessTokenKeyId: keyId, idTokenKeyId: keyId }),
    insertInstant: NOW,
    lastUpdateInstant: NOW,
    createdBy: 'operator',
  };
}

function keyRecord(name: string, tenantId: string | null): KeyRecord {
  return {
    id: crypto.randomUUID(),
    tenantId,
    name,
    algorithm: 'ES256',
    type: 'EC',
    kid: crypto.randomBytes(8).toString('hex'),
    length: null,
    issuer: null,
    publicKey: '-----BEGIN PUBLIC KEY-----',
    certificate: null,
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
    secretEncrypted: 'sealed',
    insertInstant: NOW,
    expirationInstant: null,
    rotatedInstant: null,
    revokedInstant: null,
    keystoreState: null,
  };
}

function userRecord(tenantId: string, username: string, extra: Partial<User> = {}): User {
  return {
    id: crypto.randomUUID(),
    tenantId,
    username,
    email: `${username}@example.com`,
    disabled: false,
    verified: false,
    locale: null,
    roles: ['r'],
    externalId: null,
    data: { a: 1 },
    password: { scheme: 'bcrypt', factor: 10, salt: null, hash: `hash-of-${username}` },
    passwordChangedAt: NOW,
    passwordChangeRequired: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

async function rejectsWithConflict(work: Promise<unknown>, field: string | undefined): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof Conflict, `expected a Conflict, got ${String(error)}`);
    assert.equal(error.field, field);
    return true;
  });
}

for (const backend of backends()) {
  describe(`storage contract on ${backend.name}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    let storage: Storage;
    let a: Tenant;
    let b: Tenant;

    before(async () => {
      database = await backend.create();
      handle = await openDatabase(database.url);
      storage = createStorage(handle, { now: () => NOW });
      a = tenantRecord('Tenant A');
      b = { ...tenantRecord('Tenant B'), insertInstant: NOW + 1 };
      await storage.tenants.insert(a);
      await storage.tenants.insert(b);
    });
    after(async () => {
      await storage?.close();
      await database?.drop();
    });

    describe('tenants', () => {
      test('find by id and slug, list in creation order, names taken, states', async () => {
        assert.deepEqual(await storage.tenants.find(a.id), a);
        assert.deepEqual(await storage.tenants.findBySlug(b.slug), b);
        assert.equal(await storage.tenants.find(crypto.randomUUID()), undefined);
        assert.equal(await storage.tenants.nameTaken('Tenant A'), true);
        assert.equal(await storage.tenants.nameTaken('Tenant A', a.id), false, 'its own name is not taken from itself');
        assert.equal(await storage.tenants.nameTaken('Nobody'), false);
        const listed = await storage.tenants.list();
        assert.ok(listed.findIndex((t) => t.id === a.id) < listed.findIndex((t) => t.id === b.id));
        assert.deepEqual((await storage.tenants.list([b.id])).map((t) => t.id), [b.id]);
        assert.deepEqual(await storage.tenants.list([]), []);
        assert.equal((await storage.tenants.someIds(1)).length, 1);

        const c = tenantRecord('Tenant C');
        await storage.tenants.insert(c);
        assert.equal(await storage.tenants.setState(c.id, 'PendingDelete', NOW + 1), true);
        assert.deepEqual(await storage.tenants.idsInState('PendingDelete'), [c.id]);
        assert.equal((await storage.tenants.find(c.id))?.lastUpdateInstant, NOW + 1);
        assert.equal(await storage.tenants.delete(c.id), true);
        assert.equal(await storage.tenants.delete(c.id), false);
      });

      test('unique id, slug and name are Conflicts naming the field', async () => {
        await rejectsWithConflict(storage.tenants.insert({ ...tenantRecord('Other'), id: a.id }), 'id');
        await rejectsWithConflict(storage.tenants.insert({ ...tenantRecord('Other'), slug: a.slug }), 'slug');
        await rejectsWithConflict(storage.tenants.insert(tenantRecord('Tenant A')), 'name');
        await rejectsWithConflict(storage.tenants.update({ ...b, name: 'Tenant A' }), 'name');
        assert.equal((await storage.tenants.find(b.id))?.name, 'Tenant B', 'a refused update changes nothing');
      });

      test('update writes settings; usingKey finds the tenants that sign with a key', async () => {
        const key = keyRecord(`key ${crypto.randomUUID()}`, null);
        await storage.keys.insert(key);
        const settings = structuredClone(a.settings);
        settings.tokens.accessTokenKeyId = key.id;
        await storage.tenants.update({ ...a, settings, lastUpdateInstant: NOW + 5 });
        assert.equal((await storage.tenants.find(a.id))?.settings.tokens.accessTokenKeyId, key.id);
        assert.deepEqual(await storage.tenants.usingKey(key.id), [a.id]);
        assert.deepEqual(await storage.tenants.usingKey(key.id, a.id), []);
        await storage.tenants.update(a);
      });

      test('each tenant keeps who created it; listCreatedBy lists that account’s, oldest first, and an update never changes it', async () => {
        const account = `acct-${crypto.randomUUID().slice(0, 8)}`;
        const first = { ...tenantRecord('Created 1'), createdBy: account, insertInstant: NOW + 10 };
        const second = { ...tenantRecord('Created 2'), createdBy: account, insertInstant: NOW + 20 };
        const others = { ...tenantRecord('Created by another'), createdBy: `${account}-other`, insertInstant: NOW + 15 };
        for (const t of [second, others, first]) await storage.tenants.insert(t);
        assert.deepEqual((await storage.tenants.listCreatedBy(account)).map((t) => t.id), [first.id, second.id]);
        assert.deepEqual(await storage.tenants.listCreatedBy(account), [first, second], 'whole tenants, createdBy included');
        assert.deepEqual(await storage.tenants.listCreatedBy('nobody-at-all'), []);
        await storage.tenants.update({ ...first, createdBy: 'someone-else', name: 'Created 1 renamed' });
        assert.equal((await storage.tenants.find(first.id))?.createdBy, account, 'update does not re-attribute a tenant');
        for (const t of [first, second, others]) await storage.tenants.delete(t.id);
      });

      test('findForUpdate inside a transaction reads the row', async () => {
        const seen = await storage.transaction((tx) => tx.tenants.findForUpdate(a.id));
        assert.equal(seen?.id, a.id);
      });
    });

    describe('keys', () => {
      test('insert, find, list per tenant with the global keys, release, delete owned', async () => {
        const global = keyRecord(`global ${crypto.randomUUID()}`, null);
        const ofA = keyRecord(`a ${crypto.randomUUID()}`, a.id);
        const ofB = keyRecord(`b ${crypto.randomUUID()}`, b.id);
        for (const key of [global, ofA, ofB]) await storage.keys.insert(key);
        assert.deepEqual(await storage.keys.find(ofA.id), ofA);
        assert.deepEqual((await storage.keys.findMany([ofA.id, ofB.id, 'none'])).map((k) => k.id).sort(), [ofA.id, ofB.id].sort());
        assert.deepEqual(await storage.keys.findMany([]), []);
        const listedForA = (await storage.keys.list(a.id)).map((k) => k.id);
        assert.ok(listedForA.includes(global.id) && listedForA.includes(ofA.id) && !listedForA.includes(ofB.id));
        assert.equal(await storage.keys.nameTaken(ofA.name), true);
        assert.deepEqual(await storage.keys.idsOwnedBy(a.id), [ofA.id]);

        await storage.keys.release([ofA.id]);
        assert.equal((await storage.keys.find(ofA.id))?.tenantId, null);
        assert.equal(await storage.keys.deleteOwnedBy(b.id), 1);
        assert.equal(await storage.keys.find(ofB.id), undefined);
        assert.equal(await storage.keys.delete(global.id), true);
        assert.equal(await storage.keys.delete(global.id), false);
      });

      test('unique id and name are Conflicts', async () => {
        const key = keyRecord(`unique ${crypto.randomUUID()}`, null);
        await storage.keys.insert(key);
        await rejectsWithConflict(storage.keys.insert({ ...keyRecord('another', null), id: key.id }), 'id');
        await rejectsWithConflict(storage.keys.insert({ ...keyRecord(key.name, null) }), 'name');
      });

      test('keystore: only the tenant’s keys with a state, oldest first; a move is conditional on the state it leaves', async () => {
        const t = tenantRecord(`Keystore ${crypto.randomUUID()}`);
        await storage.tenants.insert(t);
        const current = { ...keyRecord(`ks current ${crypto.randomUUID()}`, t.id), keystoreState: 'current' as const };
        const next = { ...keyRecord(`ks next ${crypto.randomUUID()}`, t.id), keystoreState: 'next' as const, insertInstant: NOW + 1 };
        const outside = keyRecord(`ks outside ${crypto.randomUUID()}`, t.id);
        const otherTenant = { ...keyRecord(`ks other ${crypto.randomUUID()}`, b.id), keystoreState: 'current' as const };
        for (const key of [next, current, outside, otherTenant]) await storage.keys.insert(key);
        assert.deepEqual(await storage.keys.keystoreOf(t.id), [current, next]);

        assert.equal(await storage.keys.moveState(t.id, current.id, 'current', { to: 'previous', rotatedInstant: NOW + 5 }), true);
        assert.equal(await storage.keys.moveState(t.id, current.id, 'current', { to: 'previous', rotatedInstant: NOW + 6 }), false, 'no longer current');
        assert.equal(await storage.keys.moveState(b.id, otherTenant.id, 'next', { to: 'current' }), false, 'not in that state');
        assert.equal(await storage.keys.moveState(t.id, otherTenant.id, 'current', { to: 'revoked' }), false, 'another tenant’s key is out of reach');
        assert.equal((await storage.keys.find(otherTenant.id))?.keystoreState, 'current');
        assert.equal(await storage.keys.moveState(t.id, next.id, 'next', { to: 'current' }), true);
        assert.equal(await storage.keys.moveState(t.id, current.id, 'previous', { to: 'revoked', revokedInstant: NOW + 9 }), true);
        const moved = await storage.keys.find(current.id);
        assert.equal(moved?.keystoreState, 'revoked');
        assert.equal(moved?.rotatedInstant, NOW + 5, 'instants not given are left as they are');
        assert.equal(moved?.revokedInstant, NOW + 9);
        assert.equal((await storage.keys.find(next.id))?.rotatedInstant, null);

        await storage.keys.release([next.id]);
        assert.equal((await storage.keys.find(next.id))?.keystoreState, null, 'a released key leaves the keystore');
      });

      test('keystore: of many racing moves of one key exactly one succeeds; a second current or next key per algorithm is a Conflict', async () => {
        const t = tenantRecord(`Keystore race ${crypto.randomUUID()}`);
        await storage.tenants.insert(t);
        const next = { ...keyRecord(`race next ${crypto.randomUUID()}`, t.id), keystoreState: 'next' as const };
        await storage.keys.insert(next);
        const results = await Promise.all(Array.from({ length: 8 }, () => storage.keys.moveState(t.id, next.id, 'next', { to: 'current' })));
        assert.equal(results.filter(Boolean).length, 1);
        // Racing transactions: each moves the key and inserts a new next one; only one commits.
        const racers = await Promise.allSettled(
          Array.from({ length: 4 }, (_, i) =>
            storage.transaction(async (tx) => {
              if (!(await tx.keys.moveState(t.id, next.id, 'current', { to: 'previous', rotatedInstant: NOW + i }))) throw new Error('lost');
              await tx.keys.insert({ ...keyRecord(`race new ${i} ${crypto.randomUUID()}`, t.id), keystoreState: 'current' });
            }),
          ),
        );
        assert.equal(racers.filter((r) => r.status === 'fulfilled').length, 1);
        const stored = await storage.keys.keystoreOf(t.id);
        assert.equal(stored.filter((k) => k.keystoreState === 'current').length, 1);
        assert.equal(stored.filter((k) => k.keystoreState === 'previous').length, 1);

        await rejectsWithConflict(storage.keys.insert({ ...keyRecord(`second current ${crypto.randomUUID()}`, t.id), keystoreState: 'current' }), 'keystoreState');
        await storage.keys.insert({ ...keyRecord(`one next ${crypto.randomUUID()}`, t.id), keystoreState: 'next' });
        await rejectsWithConflict(storage.keys.insert({ ...keyRecord(`second next ${crypto.randomUUID()}`, t.id), keystoreState: 'next' }), 'keystoreState');
        const es384 = { ...keyRecord(`other algorithm ${crypto.randomUUID()}`, t.id), algorithm: 'ES384', keystoreState: 'current' as const };
        await storage.keys.insert(es384);
        const previous = stored.find((k) => k.keystoreState === 'previous')!;
        await rejectsWithConflict(storage.keys.moveState(t.id, previous.id, 'previous', { to: 'current' }), 'keystoreState');
      });
    });

    describe('API keys', () => {
      const apiKey = (tenantId: string | null): ApiKeyRecord => ({
        id: crypto.randomUUID(),
        tenantId,
        keyHash: crypto.randomBytes(32).toString('hex'),
        permissions: { endpoints: { '/api/tenant': ['GET'] } },
        metaData: { attributes: { description: 'd' } },
        keyManager: false,
        ownerId: 'operator',
        insertInstant: NOW,
        lastUpdateInstant: NOW,
      });

      test('insert, find by id and by hash, update, delete, delete the ones locked to a tenant', async () => {
        const open = apiKey(null);
        const locked = apiKey(a.id);
        await storage.apiKeys.insert(open);
        await storage.apiKeys.insert(locked);
        assert.deepEqual(await storage.apiKeys.findByHash(open.keyHash), open);
        assert.deepEqual(await storage.apiKeys.find(locked.id), locked);
        assert.equal(await storage.apiKeys.findByHash('0'.repeat(64)), undefined);
        assert.ok((await storage.apiKeys.list()).some((k) => k.id === open.id));

        const changed = { ...open, permissions: { endpoints: {} }, keyManager: true, lastUpdateInstant: NOW + 1 };
        await storage.apiKeys.update(changed);
        assert.deepEqual(await storage.apiKeys.find(open.id), changed);
        await storage.apiKeys.update({ ...changed, ownerId: 'someone-else' });
        assert.equal((await storage.apiKeys.find(open.id))?.ownerId, 'operator', 'the owner is fixed at insert');
        const owned = { ...apiKey(null), ownerId: 'acct-42' };
        await storage.apiKeys.insert(owned);
        assert.equal((await storage.apiKeys.findByHash(owned.keyHash))?.ownerId, 'acct-42');

        assert.equal(await storage.apiKeys.deleteLockedTo(a.id), 1);
        assert.equal(await storage.apiKeys.find(locked.id), undefined);
        assert.equal(await storage.apiKeys.delete(open.id), true);
        assert.equal(await storage.apiKeys.delete(open.id), false);
      });

      test('a second key with the same hash or id is a Conflict', async () => {
        const first = apiKey(null);
        await storage.apiKeys.insert(first);
        await rejectsWithConflict(storage.apiKeys.insert({ ...apiKey(null), keyHash: first.keyHash }), 'key');
        await rejectsWithConflict(storage.apiKeys.insert({ ...apiKey(null), id: first.id }), 'id');
      });
    });

    describe('email templates and system state', () => {
      test('templates: insert, find, list by name, update, unique names, delete', async () => {
        const template = { id: crypto.randomUUID(), name: `T ${crypto.randomUUID()}`, defaultSubject: 's', defaultTextTemplate: 't', defaultHtmlTemplate: 'h', fromEmail: null, defaultFromName: 'n', insertInstant: NOW, lastUpdateInstant: NOW };
        await storage.emailTemplates.insert(template);
        assert.deepEqual(await storage.emailTemplates.find(template.id), template);
        await storage.emailTemplates.update({ ...template, defaultSubject: 'changed', insertInstant: 0 });
        const stored = await storage.emailTemplates.find(template.id);
        assert.equal(stored?.defaultSubject, 'changed');
        assert.equal(stored?.insertInstant, NOW, 'the creation instant never changes');
        assert.ok((await storage.emailTemplates.list()).some((t) => t.id === template.id));
        await rejectsWithConflict(storage.emailTemplates.insert({ ...template, id: crypto.randomUUID() }), 'name');
        assert.equal(await storage.emailTemplates.delete(template.id), true);
        assert.equal(await storage.emailTemplates.delete(template.id), false);
      });

      test('system state: get, set, set again', async () => {
        assert.equal(await storage.system.get('contract-marker'), undefined);
        await storage.system.set('contract-marker', '1');
        await storage.system.set('contract-marker', '2');
        assert.equal(await storage.system.get('contract-marker'), '2');
      });
    });

    describe('change feed', () => {
      test('append, read since a sequence number in order, latest, purge the old', async () => {
        const start = await storage.changes.latestSeq();
        await storage.changes.append({ origin: 'o1', type: 'tenant.updated', payload: { tenantId: a.id }, at: NOW - 1000 });
        await storage.changes.append({ origin: 'o2', type: 'key.created', payload: { keyId: 'k', tenantId: null }, at: NOW });
        const rows = await storage.changes.since(start, 10);
        assert.deepEqual(rows.map((r) => [r.origin, r.type, r.payload]), [
          ['o1', 'tenant.updated', { tenantId: a.id }],
          ['o2', 'key.created', { keyId: 'k', tenantId: null }],
        ]);
        assert.ok(rows[0]!.seq < rows[1]!.seq);
        assert.equal(await storage.changes.latestSeq(), rows[1]!.seq);
        assert.deepEqual((await storage.changes.since(rows[0]!.seq, 10)).map((r) => r.seq), [rows[1]!.seq]);
        assert.equal((await storage.changes.since(start, 1)).length, 1, 'the limit holds');
        assert.equal(await storage.changes.purgeBefore(NOW - 500), 1);
        assert.deepEqual((await storage.changes.since(start, 10)).map((r) => r.seq), [rows[1]!.seq]);
      });
    });

    describe('users', () => {
      test('a tenant sees only its own users, found case-insensitively', async () => {
        const ada = userRecord(a.id, 'Ada');
        await storage.forTenant(a.id).users.insert([ada]);
        const usersA = storage.forTenant(a.id).users;
        const usersB = storage.forTenant(b.id).users;
        assert.deepEqual(await usersA.find(ada.id), ada);
        assert.equal(await usersB.find(ada.id), undefined, 'another tenant cannot reach the row by id');
        assert.equal((await usersA.findByUsername('ADA'))?.id, ada.id);
        assert.equal((await usersA.findByEmail('ADA@example.com'))?.id, ada.id);
        assert.equal(await usersB.findByUsername('ada'), undefined);
        assert.equal((await usersA.findByLoginId('ada@EXAMPLE.com'))?.id, ada.id);
        assert.equal((await usersA.findByLoginId('ada'))?.id, ada.id);
        assert.equal(await usersB.findByLoginId('ada'), undefined);
        assert.deepEqual(await storage.userIdsTaken([ada.id, crypto.randomUUID()]), new Set([ada.id]));
      });

      test('one login id that is one user’s email and another’s username: the email wins for an address', async () => {
        const users = storage.forTenant(b.id).users;
        const byMail = userRecord(b.id, 'mail-owner', { email: 'shared@example.com' });
        const byName = userRecord(b.id, 'shared@example.com', { email: 'other@example.com' });
        await users.insert([byMail, byName]);
        assert.equal((await users.findByLoginId('shared@example.com'))?.id, byMail.id);
        await users.delete([byMail.id, byName.id]);
      });

      test('same username in two tenants; a duplicate in one tenant is a Conflict on that field', async () => {
        await storage.forTenant(b.id).users.insert([userRecord(b.id, 'Ada')]);
        await rejectsWithConflict(storage.forTenant(a.id).users.insert([userRecord(a.id, 'ada', { email: 'fresh@example.com' })]), 'username');
        await rejectsWithConflict(storage.forTenant(a.id).users.insert([userRecord(a.id, 'fresh', { email: 'ADA@example.com' })]), 'email');
        const other = userRecord(a.id, 'grace');
        await storage.forTenant(a.id).users.insert([other]);
        await rejectsWithConflict(storage.forTenant(a.id).users.update({ ...other, email: 'ada@example.com' }), 'email');
        await rejectsWithConflict(storage.forTenant(b.id).users.insert([{ ...userRecord(b.id, 'copy'), id: other.id }]), 'user_id');
        await assert.rejects(storage.forTenant(b.id).users.insert([userRecord(a.id, 'wrong-tenant')]), /belongs to tenant/);
      });

      test('list: prefix filters, sorting, paging and counts kept by insert and delete', async () => {
        const tenant = tenantRecord(`Listing ${crypto.randomUUID()}`);
        await storage.tenants.insert(tenant);
        const users = storage.forTenant(tenant.id).users;
        const made = ['carol', 'alice', 'bob', 'alfred'].map((name, i) => userRecord(tenant.id, name, { createdAt: NOW + i }));
        await users.insert(made);
        assert.equal(await users.count(), 4);
        const byName = await users.list({ limit: 10, offset: 0, sortBy: 'username', sortDirection: 1 });
        assert.deepEqual(byName.users.map((u) => u.username), ['alfred', 'alice', 'bob', 'carol']);
        assert.equal(byName.totalCount, 4);
        const newest = await users.list({ limit: 2, offset: 1, sortBy: 'created_at', sortDirection: -1 });
        assert.deepEqual(newest.users.map((u) => u.username), ['bob', 'alice']);
        const prefixed = await users.list({ username: 'AL', limit: 10, offset: 0, sortBy: 'username', sortDirection: -1 });
        assert.deepEqual(prefixed.users.map((u) => u.username), ['alice', 'alfred']);
        assert.equal(prefixed.totalCount, 2);
        const byMail = await users.list({ email: 'bob@', limit: 10, offset: 0, sortBy: 'email', sortDirection: 1 });
        assert.deepEqual(byMail.users.map((u) => u.username), ['bob']);
        const taken = await users.taken(['alice', 'zed'], ['carol@example.com', 'no@example.com']);
        assert.deepEqual([...taken.usernames], ['alice']);
        assert.deepEqual([...taken.emails], ['carol@example.com']);

        assert.equal(await storage.forTenant(a.id).users.delete(made.map((u) => u.id)), 0, 'another tenant deletes nothing');
        assert.equal(await users.delete([made[0]!.id, made[1]!.id, 'missing']), 2);
        assert.equal(await users.count(), 2);
        assert.equal((await users.list({ limit: 10, offset: 0, sortBy: 'created_at', sortDirection: 1 })).totalCount, 2);
      });

      test('update, re-hash only, and the password history kept per tenant to its depth', async () => {
        const users = storage.forTenant(a.id).users;
        const user = userRecord(a.id, `hist-${crypto.randomUUID().slice(0, 6)}`);
        await users.insert([user]);
        await users.update({ ...user, roles: ['x'], disabled: true, updatedAt: NOW + 1 });
        const updated = await users.find(user.id);
        assert.deepEqual(updated?.roles, ['x']);
        assert.equal(updated?.disabled, true);
        await users.setPasswordHash({ ...user, password: { scheme: 'argon2id', factor: 3, salt: null, hash: 'rehashed' } });
        assert.deepEqual((await users.find(user.id))?.password, { scheme: 'argon2id', factor: 3, salt: null, hash: 'rehashed' });
        assert.deepEqual((await users.find(user.id))?.roles, ['x'], 'a re-hash changes nothing else');

        for (let i = 1; i <= 4; i++) await users.rememberPassword(user.id, { scheme: 'bcrypt', factor: 10, salt: null, hash: `h${i}` }, NOW + i, 3);
        assert.deepEqual((await users.passwordHistory(user.id, 10)).map((p) => p.hash), ['h4', 'h3', 'h2']);
        assert.deepEqual((await users.passwordHistory(user.id, 2)).map((p) => p.hash), ['h4', 'h3']);
        assert.deepEqual(await users.passwordHistory(user.id, 0), []);
        assert.deepEqual(await storage.forTenant(b.id).users.passwordHistory(user.id, 10), [], 'another tenant reads none of it');
      });
    });

    describe('login failures', () => {
      const window = { maxAttempts: 5, windowSeconds: 60 };

      test('parallel reservations never pass the limit; the subject of one tenant is not another’s', async () => {
        const failures = storage.forTenant(a.id).loginFailures;
        const results = await Promise.all(Array.from({ length: 20 }, () => failures.reserve('user', 'racer', window, NOW)));
        assert.equal(results.filter((r) => r.allowed).length, 5);
        assert.deepEqual(results.filter((r) => r.allowed).map((r) => (r.allowed ? r.count : 0)).sort(), [1, 2, 3, 4, 5]);
        assert.deepEqual(results.find((r) => !r.allowed), { allowed: false, blockedUntil: null }, 'out of attempts while they are in flight, not blocked');
        const elsewhere = await storage.forTenant(b.id).loginFailures.reserve('user', 'racer', window, NOW);
        assert.deepEqual(elsewhere, { allowed: true, count: 1 });
      });

      test('the last failure blocks for the policy’s length, listed until it ends; unblock lifts it', async () => {
        const failures = storage.forTenant(a.id).loginFailures;
        const asked: number[] = [];
        const blockMs = (blocksSoFar: number) => {
          asked.push(blocksSoFar);
          return 60_000 * 2 ** blocksSoFar;
        };
        let count = 0;
        for (let i = 0; i < 5; i++) {
          const r = await failures.reserve('ip', '203.0.113.9', window, NOW);
          assert.ok(r.allowed);
          count = r.count;
          const until = await failures.failed('ip', '203.0.113.9', count, window, NOW, blockMs);
          assert.equal(until, i < 4 ? null : NOW + 60_000);
        }
        assert.deepEqual(asked, [0]);
        assert.deepEqual(await failures.reserve('ip', '203.0.113.9', window, NOW + 1), { allowed: false, blockedUntil: NOW + 60_000 });
        const listed = await failures.listBlocked('ip', NOW + 1, { offset: 0, limit: 10, direction: 'desc' });
        assert.deepEqual(listed, { entries: [{ subject: '203.0.113.9', blockedAt: NOW, blockedUntil: NOW + 60_000 }], total: 1 });
        assert.equal((await storage.forTenant(b.id).loginFailures.listBlocked('ip', NOW + 1, { offset: 0, limit: 10, direction: 'asc' })).total, 0);
        assert.equal((await failures.listBlocked('ip', NOW + 60_001, { offset: 0, limit: 10, direction: 'asc' })).total, 0, 'an ended block is not listed');

        assert.equal(await storage.forTenant(b.id).loginFailures.unblock('ip', '203.0.113.9', NOW + 2), false);
        assert.equal(await failures.unblock('ip', '203.0.113.9', NOW + 2), true);
        assert.deepEqual(await failures.reserve('ip', '203.0.113.9', window, NOW + 3), { allowed: true, count: 1 });
      });

      test('a success gives its attempt back or clears the count; a release gives it back', async () => {
        const failures = storage.forTenant(a.id).loginFailures;
        await failures.reserve('user', 'u1', window, NOW);
        await failures.reserve('user', 'u1', window, NOW);
        await failures.succeeded('user', 'u1', false);
        assert.deepEqual(await failures.reserve('user', 'u1', window, NOW), { allowed: true, count: 2 });
        await failures.released('user', 'u1');
        assert.deepEqual(await failures.reserve('user', 'u1', window, NOW), { allowed: true, count: 2 });
        await failures.succeeded('user', 'u1', true);
        assert.deepEqual(await failures.reserve('user', 'u1', window, NOW), { allowed: true, count: 1 });
        assert.deepEqual(await failures.reserve('user', 'u1', window, NOW + 61_000), { allowed: true, count: 1 }, 'a new window starts the count again');
      });
    });

    describe('one-time ids', () => {
      test('exactly one of many parallel consumers spends an id; expired and revoked ids are dead', async () => {
        const user = userRecord(a.id, `otid-${crypto.randomUUID().slice(0, 6)}`);
        await storage.forTenant(a.id).users.insert([user]);
        const ids = storage.forTenant(a.id).oneTimeIds;
        await ids.insert('hash-1', user.id, 'changePassword', NOW + 1000, NOW);
        assert.deepEqual(await storage.oneTimeIds.peek('hash-1', 'changePassword', NOW), { tenantId: a.id, userId: user.id, purpose: 'changePassword', expiresAt: NOW + 1000 });
        assert.equal(await storage.oneTimeIds.peek('hash-1', 'emailVerification', NOW), undefined, 'purpose is part of the id');
        const wins = await Promise.all(Array.from({ length: 10 }, () => storage.oneTimeIds.consume('hash-1', 'changePassword', NOW)));
        assert.equal(wins.filter(Boolean).length, 1);
        assert.equal(await storage.oneTimeIds.peek('hash-1', 'changePassword', NOW), undefined);

        await ids.insert('hash-2', user.id, 'changePassword', NOW + 1000, NOW);
        assert.equal(await storage.oneTimeIds.consume('hash-2', 'changePassword', NOW + 1000), false, 'expired at its instant');
        await ids.insert('hash-3', user.id, 'changePassword', NOW + 1000, NOW);
        await storage.forTenant(b.id).oneTimeIds.revokeAll(user.id, 'changePassword', NOW);
        assert.ok(await storage.oneTimeIds.peek('hash-3', 'changePassword', NOW), 'another tenant cannot revoke it');
        await ids.revokeAll(user.id, 'changePassword', NOW);
        assert.equal(await storage.oneTimeIds.peek('hash-3', 'changePassword', NOW), undefined);
      });
    });

    describe('clients', () => {
      const client = (tenantId: string, clientId: string, createdAt = NOW): ClientRecord => ({
        tenantId,
        clientId,
        name: `Client ${clientId}`,
        redirectUris: ['https://rp.example/cb'],
        postLogoutRedirectUris: ['https://rp.example/bye'],
        allowedScopes: ['openid', 'profile'],
        tokenEndpointAuthMethod: 'client_secret_basic',
        clientType: 'confidential',
        secretHash: crypto.randomBytes(32).toString('hex'),
        locked: false,
        signingAlg: 'RS256',
        flow: { type: 'microsoft-mfa', issuer: null },
        logoUri: 'https://rp.example/logo.png',
        clientUri: null,
        clientLogoutUri: null,
        policyUri: null,
        tosUri: 'https://rp.example/tos',
        userAgreementUri: null,
        registerEnabled: true,
        tenantName: null,
        consentRequired: true,
        createdAt,
        updatedAt: createdAt,
      });

      test('per tenant: the same client id in two tenants, found, listed in creation order, counted', async () => {
        const inA = client(a.id, 'web');
        await storage.forTenant(a.id).clients.insert(inA);
        await storage.forTenant(b.id).clients.insert({ ...client(b.id, 'web'), name: 'B web' });
        await storage.forTenant(a.id).clients.insert(client(a.id, 'cli', NOW + 1));
        assert.deepEqual(await storage.forTenant(a.id).clients.find('web'), inA);
        assert.equal((await storage.forTenant(b.id).clients.find('web'))?.name, 'B web');
        assert.equal(await storage.forTenant(b.id).clients.find('cli'), undefined);
        assert.deepEqual((await storage.forTenant(a.id).clients.list(0, 10)).map((c) => c.clientId), ['web', 'cli']);
        assert.deepEqual((await storage.forTenant(a.id).clients.list(1, 10)).map((c) => c.clientId), ['cli']);
        assert.equal(await storage.forTenant(a.id).clients.count(), 2);
        await rejectsWithConflict(storage.forTenant(a.id).clients.insert(client(a.id, 'web')), 'client_id');
        await assert.rejects(storage.forTenant(a.id).clients.insert(client(b.id, 'other')), /belongs to tenant/);
      });

      test('update replaces the fields but ids and creation; delete is per tenant', async () => {
        const clients = storage.forTenant(a.id).clients;
        await clients.insert(client(a.id, 'svc'));
        const changed = { ...client(a.id, 'svc'), name: 'Renamed', redirectUris: [], locked: true, consentRequired: false, flow: null, secretHash: null, clientType: 'public' as const, createdAt: 1, updatedAt: NOW + 9 };
        assert.equal(await clients.update(changed), true);
        assert.deepEqual(await clients.find('svc'), { ...changed, createdAt: NOW });
        assert.equal(await clients.update({ ...changed, clientId: 'missing' }), false);
        assert.equal(await storage.forTenant(b.id).clients.delete('svc'), false, 'another tenant deletes nothing');
        assert.equal(await clients.delete('svc'), true);
        assert.equal(await clients.find('svc'), undefined);
      });
    });

    describe('OpenID Provider artefacts', () => {
      const SECONDS = Math.floor(NOW / 1000);

      test('upsert and find by id, uid and user code; expired ones are gone; another tenant sees none', async () => {
        const oidc = storage.forTenant(a.id).oidc;
        await oidc.upsert('Interaction', 'i1', { uid: 'u1', kind: 'Interaction' }, SECONDS + 60, { uid: 'u1' });
        await oidc.upsert('DeviceCode', 'd1', { userCode: 'ABCD-EFGH' }, SECONDS + 60, { userCode: 'ABCD-EFGH' });
        await oidc.upsert('Session', 's1', { forever: true }, null, {});
        assert.deepEqual(await oidc.find('Interaction', 'i1', SECONDS), { payload: { uid: 'u1', kind: 'Interaction' }, consumedAt: null });
        assert.deepEqual((await oidc.findByUid('Interaction', 'u1', SECONDS))?.payload, { uid: 'u1', kind: 'Interaction' });
        assert.deepEqual((await oidc.findByUserCode('DeviceCode', 'ABCD-EFGH', SECONDS))?.payload, { userCode: 'ABCD-EFGH' });
        assert.ok(await oidc.find('Session', 's1', SECONDS + 10 ** 6), 'no expiry: found however late');
        assert.equal(await oidc.find('Interaction', 'i1', SECONDS + 60), undefined, 'expired at its instant');
        assert.equal(await oidc.find('Session', 'i1', SECONDS), undefined, 'the model is part of the key');
        assert.equal(await storage.forTenant(b.id).oidc.find('Interaction', 'i1', SECONDS), undefined);
        await oidc.upsert('Interaction', 'i1', { uid: 'u1', changed: true }, SECONDS + 120, { uid: 'u1' });
        assert.deepEqual((await oidc.find('Interaction', 'i1', SECONDS + 90))?.payload, { uid: 'u1', changed: true }, 'an upsert replaces payload and expiry');
      });

      test('exactly one of many parallel consumers consumes a code; the consumed mark is returned', async () => {
        const oidc = storage.forTenant(a.id).oidc;
        await oidc.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, SECONDS + 60, { grantId: 'g1' });
        const wins = await Promise.all(Array.from({ length: 10 }, () => oidc.consume('AuthorizationCode', 'c1', SECONDS + 1)));
        assert.equal(wins.filter(Boolean).length, 1);
        assert.equal((await oidc.find('AuthorizationCode', 'c1', SECONDS + 2))?.consumedAt, SECONDS + 1);
        assert.equal(await storage.forTenant(b.id).oidc.consume('AuthorizationCode', 'c1', SECONDS), false, 'another tenant cannot consume it');
      });

      test('revoking by account removes the named models of that account in this tenant only', async () => {
        const oidc = storage.forTenant(a.id).oidc;
        await oidc.upsert('RefreshToken', 'ra', { accountId: 'user-1' }, SECONDS + 60, { accountId: 'user-1' });
        await oidc.upsert('AccessToken', 'aa', { accountId: 'user-1' }, SECONDS + 60, { accountId: 'user-1' });
        await oidc.upsert('RefreshToken', 'rb', { accountId: 'user-2' }, SECONDS + 60, { accountId: 'user-2' });
        await storage.forTenant(b.id).oidc.upsert('RefreshToken', 'ra', { accountId: 'user-1' }, SECONDS + 60, { accountId: 'user-1' });
        assert.equal(await oidc.revokeByAccount('user-1', ['RefreshToken']), 1);
        assert.equal(await oidc.find('RefreshToken', 'ra', SECONDS), undefined);
        assert.ok(await oidc.find('AccessToken', 'aa', SECONDS), 'other models stay');
        assert.ok(await oidc.find('RefreshToken', 'rb', SECONDS), 'other accounts stay');
        assert.ok(await storage.forTenant(b.id).oidc.find('RefreshToken', 'ra', SECONDS), 'other tenants stay');
        assert.equal(await oidc.revokeByAccount('user-1', []), 0);
      });

      test('revoking a grant removes all its artefacts in this tenant only; destroy removes one; expired rows are purged', async () => {
        const oidc = storage.forTenant(a.id).oidc;
        await oidc.upsert('AccessToken', 't1', { grantId: 'g2' }, SECONDS + 60, { grantId: 'g2' });
        await oidc.upsert('RefreshToken', 'r1', { grantId: 'g2' }, SECONDS + 60, { grantId: 'g2' });
        await storage.forTenant(b.id).oidc.upsert('AccessToken', 't1', { grantId: 'g2' }, SECONDS + 60, { grantId: 'g2' });
        assert.equal(await oidc.revokeByGrantId('g2'), 2);
        assert.equal(await oidc.find('RefreshToken', 'r1', SECONDS), undefined);
        assert.ok(await storage.forTenant(b.id).oidc.find('AccessToken', 't1', SECONDS), 'the same grant id in another tenant is untouched');
        await oidc.upsert('Grant', 'g3', {}, SECONDS + 60, {});
        await oidc.destroy('Grant', 'g3');
        assert.equal(await oidc.find('Grant', 'g3', SECONDS), undefined);
        await oidc.upsert('Grant', 'old', {}, SECONDS - 1, {});
        assert.ok((await storage.purgeExpiredOidc(SECONDS)) >= 1);
        assert.ok(await storage.forTenant(b.id).oidc.find('AccessToken', 't1', SECONDS), 'live rows stay');
      });
    });

    describe('sessions', () => {
      const access = (at: number, ip: string): ClientAccess => ({
        at,
        ip,
        country: 'NL',
        userAgent: 'agent',
        userAgentParsed: { browser: { family: 'Other', version: null }, os: { family: 'Other', version: null }, device: { family: 'Other', brand: null, model: null }, isMobile: false, isTablet: false, isPc: false, isBot: false },
      });
      const session = (tenantId: string, userId: string, engineUid: string, createdAt = NOW, expiresAt = NOW + 3_600_000): SessionRecord => ({
        id: crypto.randomUUID(),
        tenantId,
        userId,
        engineUid,
        created: access(createdAt, '192.0.2.1'),
        tokenIssue: null,
        lastAccess: access(createdAt, '192.0.2.1'),
        expiresAt,
      });

      test('open once per provider session; list a user’s live sessions newest first; find by uid; another tenant sees none', async () => {
        const sessions = storage.forTenant(a.id).sessions;
        const older = session(a.id, 'user-s1', 'uid-1', NOW - 2000);
        const newer = session(a.id, 'user-s1', 'uid-2', NOW - 1000);
        assert.equal(await sessions.open(older, ['g-1']), true);
        assert.equal(await sessions.open(newer, []), true);
        assert.equal(await sessions.open({ ...session(a.id, 'user-s1', 'uid-1'), created: access(NOW, '198.51.100.9') }, []), false, 'the provider session has one already');
        await sessions.open(session(a.id, 'user-s2', 'uid-3'), []);
        await sessions.open(session(a.id, 'user-s1', 'uid-gone', NOW, NOW - 1), []);
        assert.deepEqual(await sessions.listByUser('user-s1', NOW), [newer, older], 'newest first, the expired one left out');
        assert.deepEqual(await sessions.findByEngineUid('uid-1', NOW), older, 'the first record stays as it was');
        assert.equal(await sessions.findByEngineUid('uid-gone', NOW), undefined);
        assert.deepEqual(await storage.forTenant(b.id).sessions.listByUser('user-s1', NOW), []);
        assert.equal(await storage.forTenant(b.id).sessions.findByEngineUid('uid-1', NOW), undefined);
        await storage.forTenant(b.id).sessions.open(session(b.id, 'user-s1', 'uid-1'), []);
        assert.equal((await sessions.listByUser('user-s1', NOW)).length, 2, 'the same uid in another tenant is another session');
      });

      test('touch records token issue, last access, expiry and grants of one provider session only', async () => {
        const sessions = storage.forTenant(a.id).sessions;
        const record = session(a.id, 'user-t', 'uid-t');
        await sessions.open(record, []);
        const issued = access(NOW + 10, '203.0.113.5');
        assert.equal(await sessions.touch('uid-t', { tokenIssue: issued, lastAccess: issued, expiresAt: NOW + 7_200_000, grantIds: ['g-t', 'g-t'] }), true);
        assert.deepEqual(await sessions.findByEngineUid('uid-t', NOW), { ...record, tokenIssue: issued, lastAccess: issued, expiresAt: NOW + 7_200_000 });
        assert.equal(await sessions.touch('uid-t', { grantIds: ['g-t', 'g-u'] }), true, 'a grant recorded again is no error');
        assert.equal(await sessions.touch('uid-none', { lastAccess: issued }), false);
        assert.equal(await storage.forTenant(b.id).sessions.touch('uid-t', { lastAccess: issued }), false, 'another tenant cannot touch it');
        const ended = await sessions.end(['user-t']);
        assert.deepEqual(ended.map((e) => ({ ...e, grantIds: [...e.grantIds].sort() })), [{ id: record.id, userId: 'user-t', engineUid: 'uid-t', grantIds: ['g-t', 'g-u'] }]);
      });

      test('of parallel opens of one provider session exactly one records it; a grant recorded in parallel is no error', async () => {
        const sessions = storage.forTenant(a.id).sessions;
        const opened = await Promise.all(Array.from({ length: 8 }, () => sessions.open(session(a.id, 'user-race', 'uid-race'), ['g-race'])));
        assert.equal(opened.filter(Boolean).length, 1);
        const touched = await Promise.all(Array.from({ length: 8 }, () => sessions.touch('uid-race', { grantIds: ['g-race', 'g-race-2'] })));
        assert.ok(touched.every(Boolean));
        const [ended] = await sessions.end(['user-race']);
        assert.deepEqual([...ended!.grantIds].sort(), ['g-race', 'g-race-2']);
      });

      test('end by ids or all of some users, in this tenant only; forget by uid; expired ones are purged with their grants', async () => {
        const sessions = storage.forTenant(a.id).sessions;
        const one = session(a.id, 'user-e', 'uid-e1');
        const two = session(a.id, 'user-e', 'uid-e2');
        const other = session(a.id, 'user-f', 'uid-f');
        for (const s of [one, two, other]) await sessions.open(s, [`g-${s.engineUid}`]);
        await storage.forTenant(b.id).sessions.open(session(b.id, 'user-e', 'uid-e1'), []);
        assert.deepEqual(await sessions.end(['user-f'], [one.id]), [], 'an id of another user ends nothing');
        assert.deepEqual(await sessions.end(['user-e'], [one.id]), [{ id: one.id, userId: 'user-e', engineUid: 'uid-e1', grantIds: ['g-uid-e1'] }]);
        assert.deepEqual(await sessions.end(['user-e'], []), []);
        assert.deepEqual((await sessions.end(['user-e', 'user-f'])).map((e) => e.engineUid).sort(), ['uid-e2', 'uid-f']);
        assert.equal((await storage.forTenant(b.id).sessions.listByUser('user-e', NOW)).length, 1, 'tenant B’s session stays');
        await sessions.open(session(a.id, 'user-g', 'uid-g'), []);
        assert.equal(await sessions.forget('uid-g'), true);
        assert.equal(await sessions.forget('uid-g'), false);
        await sessions.open(session(a.id, 'user-h', 'uid-h', NOW - 10, NOW - 5), ['g-h']);
        assert.ok((await storage.purgeExpiredSessions(NOW)) >= 1);
        assert.deepEqual(await sessions.end(['user-h']), [], 'purged');
      });

      test('ending the provider’s session removes its Session by uid, its grants and what was issued under them, in this tenant only', async () => {
        const SECONDS = Math.floor(NOW / 1000);
        const oidc = storage.forTenant(a.id).oidc;
        await oidc.upsert('Session', 'jti-1', { uid: 'uid-x' }, SECONDS + 60, { uid: 'uid-x' });
        await oidc.upsert('Grant', 'grant-x', { accountId: 'user-x' }, SECONDS + 60, { accountId: 'user-x' });
        await oidc.upsert('RefreshToken', 'rt-x', { grantId: 'grant-x' }, SECONDS + 60, { grantId: 'grant-x' });
        await oidc.upsert('AccessToken', 'at-x', { grantId: 'grant-x' }, SECONDS + 60, { grantId: 'grant-x' });
        await oidc.upsert('AccessToken', 'at-y', { grantId: 'grant-y' }, SECONDS + 60, { grantId: 'grant-y' });
        await storage.forTenant(b.id).oidc.upsert('Session', 'jti-1', { uid: 'uid-x' }, SECONDS + 60, { uid: 'uid-x' });
        assert.equal(await oidc.endSession('uid-x', ['grant-x']), 4);
        for (const [model, id] of [['Session', 'jti-1'], ['Grant', 'grant-x'], ['RefreshToken', 'rt-x'], ['AccessToken', 'at-x']] as const) {
          assert.equal(await oidc.find(model, id, SECONDS), undefined, `${model} ${id}`);
        }
        assert.ok(await oidc.find('AccessToken', 'at-y', SECONDS), 'another grant’s token stays');
        assert.ok(await storage.forTenant(b.id).oidc.find('Session', 'jti-1', SECONDS), 'another tenant’s session stays');
        assert.equal(await oidc.endSession('uid-x', []), 0);
      });

      test('the tenants holding an artefact are found by its id alone', async () => {
        const SECONDS = Math.floor(NOW / 1000);
        await storage.forTenant(a.id).oidc.upsert('AccessToken', 'opaque-value-1', {}, SECONDS + 60, {});
        await storage.forTenant(b.id).oidc.upsert('AccessToken', 'opaque-value-2', {}, SECONDS + 60, {});
        assert.deepEqual(await storage.tenantsHoldingOidc('AccessToken', 'opaque-value-1'), [a.id]);
        assert.deepEqual(await storage.tenantsHoldingOidc('AccessToken', 'opaque-value-2'), [b.id]);
        assert.deepEqual(await storage.tenantsHoldingOidc('RefreshToken', 'opaque-value-1'), [], 'the model is part of the key');
        assert.deepEqual(await storage.tenantsHoldingOidc('AccessToken', 'nothing'), []);
      });
    });

    describe('transactions', () => {
      test('all writes of a failed transaction are undone; a nested call joins the outer one', async () => {
        const t1 = tenantRecord(`Tx ${crypto.randomUUID()}`);
        const t2 = tenantRecord(`Tx ${crypto.randomUUID()}`);
        await assert.rejects(
          storage.transaction(async (tx) => {
            await tx.tenants.insert(t1);
            await tx.transaction(async (inner) => inner.tenants.insert(t2));
            await tx.forTenant(t1.id).users.insert([userRecord(t1.id, 'inside')]);
            throw new Error('abort');
          }),
          /abort/,
        );
        assert.equal(await storage.tenants.find(t1.id), undefined);
        assert.equal(await storage.tenants.find(t2.id), undefined);
        assert.equal(await storage.forTenant(t1.id).users.count(), 0);

        await storage.transaction(async (tx) => {
          await tx.tenants.insert(t1);
          await tx.transaction(async (inner) => inner.tenants.insert(t2));
        });
        assert.ok(await storage.tenants.find(t1.id));
        assert.ok(await storage.tenants.find(t2.id));
      });

      test('ping answers while the database is up', async () => {
        assert.equal(await storage.ping(), true);
      });
    });
  });
}
