/** The small pieces the mended validation rests on, without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from 'typebox';
import { KEY_NAME_MAX_LENGTH, tenantKeyName } from '../../src/core/keys/key-names.js';
import { compile, isDateTime } from '../../src/http/ajv.js';
import { isoInstant } from '../../src/util/instant.js';
import { nullMeansAbsent } from '../../src/util/schema-nulls.js';

describe('date-time', () => {
  test('accepts RFC 3339 instants a Date represents', () => {
    for (const text of ['2020-01-01T00:00:00Z', '2024-02-29T23:59:59.999999+05:30', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '2016-12-31T23:59:59.123456789Z']) {
      assert.equal(isDateTime(text), true, text);
      assert.ok(Number.isFinite(Date.parse(text)), text);
    }
  });
  test('refuses leap seconds, impossible days and times, and the loose spellings', () => {
    for (const text of ['2016-12-31T23:59:60Z', '2021-02-29T00:00:00Z', '2021-02-30T00:00:00Z', '2020-04-31T00:00:00Z', '2020-13-01T00:00:00Z', '2020-01-01T24:00:00Z', '2020-01-01T00:60:00Z', '2020-01-01t00:00:00z', '2020-01-01 00:00:00Z', '2020-01-01T00:00:00', '2020-01-01T00:00:00+24:00', '2020-01-01T00:00:00.1234567890Z', '+002020-01-01T00:00:00Z']) {
      assert.equal(isDateTime(text), false, text);
    }
  });
});

describe('tenantKeyName', () => {
  test('fits the column in code points whatever the tenant name, and keeps purpose and suffix', () => {
    for (const name of ['Acme', 'N'.repeat(191), '\u{1F600}'.repeat(191), 'e\u0301'.repeat(120)]) {
      for (const purpose of ['access token', 'id token'] as const) {
        const key = tenantKeyName(name, purpose, 'abcd1234');
        assert.ok([...key].length <= KEY_NAME_MAX_LENGTH, `${[...key].length}`);
        assert.ok(key.endsWith(` ${purpose} signing key (abcd1234)`), key);
        assert.ok(!/[\ud800-\udbff]$/.test(key.split(' ')[0]!), 'no surrogate half left by the cut');
      }
    }
    assert.equal(tenantKeyName('Acme', 'id token', 'abcd1234'), 'Acme id token signing key (abcd1234)', 'short names are kept whole');
  });
});

describe('nullMeansAbsent', () => {
  const inner = Type.Object({ a: Type.Optional(Type.String()), b: Type.Integer() }, { $id: 'NullsInner' });
  const outer = nullMeansAbsent(Type.Object({ inner: Type.Optional(inner), list: Type.Optional(Type.Array(Type.Object({ c: Type.Optional(Type.Boolean()) }))) }));

  test('a null optional member is removed while validating; a null required one is refused', () => {
    const validate = compile(outer);
    const data: Record<string, unknown> = { inner: { a: null, b: 1 }, list: [{ c: null }] };
    assert.equal(validate(data), true, JSON.stringify(validate.errors));
    assert.deepEqual(data, { inner: { b: 1 }, list: [{}] });
    assert.equal(validate({ inner: { b: null } }), false);
    assert.equal(validate({ inner: { a: 5, b: 1 } }), false, 'a wrong type is still wrong');
  });

  test('a schema embedded twice is rewritten once (one $id for Ajv)', () => {
    assert.equal(nullMeansAbsent(inner), nullMeansAbsent(inner));
    assert.equal(nullMeansAbsent(Type.Object({ x: inner })).properties.x, nullMeansAbsent(inner));
  });
});

describe('isoInstant', () => {
  test('renders what a Date holds and null for the rest, never throwing', () => {
    assert.equal(isoInstant(0), '1970-01-01T00:00:00.000Z');
    for (const ms of [Number.NaN, Infinity, 8.64e15 + 1, -8.64e15 - 1, null, undefined]) assert.equal(isoInstant(ms), null);
  });
});
