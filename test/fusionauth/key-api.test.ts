/** FusionAuth Key API: generation per algorithm, secrecy of private material, deletion rules. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt, codesFor } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

const ALGORITHMS = [
  ['RS256', 'RSA'], ['RS384', 'RSA'], ['RS512', 'RSA'],
  ['ES256', 'EC'], ['ES384', 'EC'], ['ES512', 'EC'],
  ['Ed25519', 'OKP'], ['EdDSA', 'OKP'],
  ['HS256', 'HMAC'], ['HS384', 'HMAC'], ['HS512', 'HMAC'],
] as const;

for (const backend of backends()) {
  describe(`FusionAuth Key API on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    for (const [algorithm, type] of ALGORITHMS) {
      test(`generates ${algorithm} keys and never returns private material`, async () => {
        const name = `${algorithm}-${crypto.randomUUID()}`;
        const created = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: algorithm as any, name } }));
        assert.equal(created.statusCode, 200, JSON.stringify(created.response));
        const key = created.response.key;
        assert.equal(key.type, type);
        assert.equal(key.name, name);
        assert.equal(key.hasPrivateKey, true);
        assert.equal(key.privateKey, undefined);
        assert.equal(key.secret, undefined);
        assert.ok(key.kid);
        if (type === 'HMAC') {
          assert.equal(key.publicKey, undefined);
        } else {
          const publicKey = crypto.createPublicKey(key.publicKey);
          assert.equal(publicKey.type, 'public');
          assert.equal(publicKey.asymmetricKeyType, { RSA: 'rsa', EC: 'ec', OKP: 'ed25519' }[type]);
        }
        const fetched = await attempt(t.client().retrieveKey(key.id));
        assert.deepEqual(fetched.response.key, key);
        const row = await t.server.database.db.selectFrom('keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
        assert.ok(row.secret_encrypted?.startsWith('v1.'), 'stored sealed');
        assert.ok(!row.secret_encrypted!.includes('PRIVATE KEY'), 'no plaintext PEM at rest');
      });
    }

    test('RSA length choices and a given id', async () => {
      const id = crypto.randomUUID();
      const created = await attempt(t.client().generateKey(id, { key: { algorithm: 'RS256' as any, name: `rsa3072-${id}`, length: 3072 } }));
      assert.equal(created.statusCode, 200);
      assert.equal(created.response.key.id, id);
      assert.equal(created.response.key.length, 3072);
      assert.equal(crypto.createPublicKey(created.response.key.publicKey).asymmetricKeyDetails?.modulusLength, 3072);
      const badLength = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'RS256' as any, name: `rsa-${crypto.randomUUID()}`, length: 1024 } }));
      assert.equal(badLength.statusCode, 400);
      assert.deepEqual(codesFor(badLength.response, 'key.length'), ['[invalid]key.length']);
      const sameId = await attempt(t.client().generateKey(id, { key: { algorithm: 'ES256' as any, name: `again-${id}` } }));
      assert.equal(sameId.statusCode, 400);
    });

    test('invalid requests are 400 with field errors; unknown ids 404', async () => {
      const badAlg = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'XS999' as any, name: 'x' } }));
      assert.equal(badAlg.statusCode, 400);
      assert.deepEqual(codesFor(badAlg.response, 'key.algorithm'), ['[invalid]key.algorithm']);
      const noName = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'ES256' as any } as any }));
      assert.equal(noName.statusCode, 400);
      assert.deepEqual(codesFor(noName.response, 'key.name'), ['[blank]key.name']);
      const name = `dup-${crypto.randomUUID()}`;
      await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'HS256' as any, name } }));
      const dup = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'HS256' as any, name } }));
      assert.equal(dup.statusCode, 400);
      assert.deepEqual(codesFor(dup.response, 'key.name'), ['[duplicate]key.name']);
      assert.equal((await attempt(t.client().retrieveKey(crypto.randomUUID()))).statusCode, 404);
      assert.equal((await attempt(t.client().deleteKey(crypto.randomUUID()))).statusCode, 404);
    });

    test('list and delete', async () => {
      const created = await attempt(t.client().generateKey(null as unknown as string, { key: { algorithm: 'ES384' as any, name: `gone-${crypto.randomUUID()}` } }));
      const id = created.response.key.id;
      const list = await attempt(t.client().retrieveKeys());
      assert.ok(list.response.keys.some((k: any) => k.id === id));
      assert.ok(list.response.keys.every((k: any) => k.privateKey === undefined && k.secret === undefined));
      assert.equal((await attempt(t.client().deleteKey(id))).statusCode, 200);
      assert.equal((await attempt(t.client().retrieveKey(id))).statusCode, 404);
    });
  });
}
