import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { isValidSlug, slugCandidate, slugFromName } from '../../src/core/tenants/slug.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { fillDefaults, mergePatch, withoutNulls } from '../../src/util/json-merge.js';

describe('slugs', () => {
  test('are derived from names, URL-safe and never empty', () => {
    assert.equal(slugFromName('Acme Café, Inc.'), 'acme-cafe-inc');
    assert.equal(slugFromName('  ---  '), 'tenant');
    assert.equal(slugFromName('Ünïcödé 東京'), 'unicode');
    assert.equal(slugCandidate('acme', 0), 'acme');
    assert.equal(slugCandidate('acme', 2), 'acme-3');
    assert.ok(isValidSlug('acme-2'));
    assert.ok(!isValidSlug('Acme'));
    assert.ok(!isValidSlug('-acme'));
    assert.ok(!isValidSlug(crypto.randomUUID()), 'UUID-shaped slugs are reserved');
  });
});

describe('master key', () => {
  test('seals and opens, bound to the row it was sealed for', () => {
    const key = MasterKey.fromSecret(crypto.randomBytes(32).toString('base64'));
    const sealed = key.encrypt('-----BEGIN PRIVATE KEY-----', 'row-1');
    assert.ok(!sealed.includes('PRIVATE'));
    assert.equal(key.decrypt(sealed, 'row-1'), '-----BEGIN PRIVATE KEY-----');
    assert.throws(() => key.decrypt(sealed, 'row-2'), 'moved to another row: refused');
    const other = MasterKey.fromSecret(crypto.randomBytes(32).toString('base64'));
    assert.throws(() => other.decrypt(sealed, 'row-1'), 'another master key cannot open it');
  });

  test('a passphrase opens what it sealed, across instances', () => {
    const sealed = MasterKey.fromSecret('correct horse battery staple').encrypt('secret', 'id');
    assert.equal(MasterKey.fromSecret('correct horse battery staple').decrypt(sealed, 'id'), 'secret');
  });
});

describe('JSON merging', () => {
  test('fillDefaults descends into objects but takes opaque ones whole', () => {
    const defaults = { a: { x: 1, y: 2 }, data: { keep: 1 }, list: [1] };
    assert.deepEqual(fillDefaults({ a: { x: 5 }, data: { other: 2 } }, defaults, new Set(['data'])), { a: { x: 5, y: 2 }, data: { other: 2 }, list: [1] });
  });

  test('mergePatch follows RFC 7396', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: null, b: { c: 9 }, e: [3] }), { b: { c: 9, d: 3 }, e: [3] });
  });

  test('withoutNulls drops nulls except under kept keys', () => {
    assert.deepEqual(withoutNulls({ a: null, b: { c: null, d: 1 }, data: { n: null } }, new Set(['data'])), { b: { d: 1 }, data: { n: null } });
  });
});
