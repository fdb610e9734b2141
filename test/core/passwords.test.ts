/** Each password scheme: round trips, known vectors for the imported ones, and refusals. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { hashPassword, isKnownScheme, verifyAgainstDummy, verifyPassword } from '../../src/crypto/passwords/index.js';

describe('password schemes', () => {
  for (const [scheme, factor] of [['salted-pbkdf2-hmac-sha256', 1000], ['bcrypt', 4], ['argon2id', 1]] as const) {
    test(`${scheme} hashes new passwords and verifies only the right one`, async () => {
      const stored = await hashPassword('correct horse', scheme, factor);
      assert.equal(stored.scheme, scheme);
      assert.equal(stored.factor, factor);
      assert.ok(!stored.hash.includes('correct horse'));
      assert.equal(await verifyPassword('correct horse', stored), true);
      assert.equal(await verifyPassword('correct horsE', stored), false);
      assert.equal(await verifyPassword('', stored), false);
      const again = await hashPassword('correct horse', scheme, factor);
      assert.notEqual(again.hash, stored.hash, 'salted: the same password hashes differently');
    });
  }

  test('pbkdf2-sha256 matches the published test vector', async () => {
    // PBKDF2-HMAC-SHA256("password", "salt", 1 iteration, 32 bytes)
    const hash = Buffer.from('120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b', 'hex').toString('base64');
    const stored = { scheme: 'salted-pbkdf2-hmac-sha256' as const, factor: 1, salt: Buffer.from('salt').toString('base64'), hash };
    assert.equal(await verifyPassword('password', stored), true);
    assert.equal(await verifyPassword('Password', stored), false);
  });

  test('pbkdf2-sha512 imports verify', async () => {
    const salt = crypto.randomBytes(16);
    const hash = crypto.pbkdf2Sync('imported', salt, 1000, 64, 'sha512').toString('base64');
    const stored = { scheme: 'salted-pbkdf2-hmac-sha512' as const, factor: 1000, salt: salt.toString('base64'), hash };
    assert.equal(await verifyPassword('imported', stored), true);
    assert.equal(await verifyPassword('imported!', stored), false);
  });

  test('legacy digest imports verify, in base64 or hex', async () => {
    const salt = 'NaCl';
    const md5 = crypto.createHash('md5').update('legacy{NaCl}').digest();
    const sha = crypto.createHash('sha256').update('legacy{NaCl}').digest();
    const hmac = crypto.createHmac('sha256', salt).update('legacy').digest();
    for (const [scheme, digest] of [['salted-md5', md5], ['salted-sha256', sha], ['salted-hmac-sha256', hmac]] as const) {
      for (const encoded of [digest.toString('base64'), digest.toString('hex')]) {
        const stored = { scheme, factor: 1, salt, hash: encoded };
        assert.equal(await verifyPassword('legacy', stored), true, `${scheme} ${encoded}`);
        assert.equal(await verifyPassword('legacY', stored), false);
      }
    }
  });

  test('a bcrypt hash exported split into salt and hash verifies', async () => {
    const full = (await hashPassword('split me', 'bcrypt', 5)).hash; // $2b$05$<22 salt><31 hash>
    const body = full.slice(7);
    const stored = { scheme: 'bcrypt' as const, factor: 5, salt: body.slice(0, 22), hash: body.slice(22) };
    assert.equal(await verifyPassword('split me', stored), true);
  });

  test('legacy schemes cannot hash new passwords; unknown names are not schemes', async () => {
    await assert.rejects(hashPassword('x', 'salted-md5', 1), /imported hashes only/);
    assert.equal(isKnownScheme('rot13'), false);
    assert.equal(isKnownScheme('toString'), false);
    assert.equal(isKnownScheme('bcrypt'), true);
  });

  test('a malformed stored hash never matches and never throws', async () => {
    assert.equal(await verifyPassword('x', { scheme: 'bcrypt', factor: 10, salt: null, hash: 'garbage' }), false);
    assert.equal(await verifyPassword('x', { scheme: 'argon2id', factor: 2, salt: null, hash: '$argon2id$nope' }), false);
    assert.equal(await verifyPassword('x', { scheme: 'salted-sha256', factor: 1, salt: 's', hash: '%%%' }), false);
  });

  test('the dummy verification never matches', async () => {
    assert.equal(await verifyAgainstDummy('tessera-dummy-password-never-matches', 'salted-pbkdf2-hmac-sha256', 1000), false);
  });
});
