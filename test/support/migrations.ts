/**
 * A fresh database of one back end, migrated up to a given migration and no further: the
 * starting point of a test that writes rows the way an older Tessera did, then runs the
 * migration under test.
 */
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../../src/db/migrations/index.js';
import type { Backend } from './backends.js';

export interface MigratedDatabase {
  db: Kysely<any>;
  migrator: Migrator;
  drop(): Promise<void>;
}

export async function databaseMigratedTo(backend: Backend, migration: string): Promise<MigratedDatabase> {
  const database = await backend.create();
  const db = new Kysely<any>({
    dialect: backend.name === 'sqlite'
      ? new SqliteDialect({ database: new SQLite(database.url.slice('sqlite:'.length)) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
  });
  const migrator = new Migrator({ db, provider: migrationProvider(backend.name) });
  const { error } = await migrator.migrateTo(migration);
  assert.ifError(error);
  return {
    db,
    migrator,
    async drop() {
      await db.destroy();
      await database.drop();
    },
  };
}
