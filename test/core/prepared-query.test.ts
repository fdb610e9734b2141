import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Kysely, SqliteDialect, sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { preparedQuery } from '../../src/storage/prepared.js';

interface Db {
  things: { id: number; name: string; size: number };
}

function database() {
  const raw = new SQLite(':memory:');
  raw.exec("create table things (id integer primary key, name text, size integer); insert into things values (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
  return new Kysely<Db>({ dialect: new SqliteDialect({ database: raw }) });
}

describe('preparedQuery', () => {
  test('runs with each call’s values, constants kept, built only once per database', async () => {
    const db = database();
    let builds = 0;
    const bigger = preparedQuery<{ min: number; name: string }, { id: number }>(['min', 'name'], (d, p) => {
      builds++;
      return (d as unknown as Kysely<Db>).selectFrom('things').select('id').where('size', '>', p.min).where('name', '!=', p.name).orderBy('id').limit(5);
    });
    assert.deepEqual((await bigger(db as never, { min: 15, name: 'x' })).rows, [{ id: 2 }, { id: 3 }]);
    assert.deepEqual((await bigger(db as never, { min: 5, name: 'b' })).rows, [{ id: 1 }, { id: 3 }]);
    assert.equal(builds, 1);
    const other = database();
    assert.deepEqual((await bigger(other as never, { min: 25, name: 'x' })).rows, [{ id: 3 }]);
    assert.equal(builds, 2);
  });

  test('refuses a placeholder written into the SQL text or never used', async () => {
    const db = database();
    const inText = preparedQuery<{ column: string }, unknown>(['column'], (d, p) => (d as unknown as Kysely<Db>).selectFrom('things').select(sql.raw(p.column).as('x')));
    await assert.rejects(inText(db as never, { column: 'name' }), /written into the SQL/);
    const unused = preparedQuery<{ a: number; b: number }, unknown>(['a', 'b'], (d, p) => (d as unknown as Kysely<Db>).selectFrom('things').selectAll().where('id', '=', p.a));
    await assert.rejects(unused(db as never, { a: 1, b: 2 }), /never used in the query: b/);
  });
});
