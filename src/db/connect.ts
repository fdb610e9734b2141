/**
 * Opens the database named by DATABASE_URL and brings its schema up to date.
 * SQLite: `sqlite:./data/tessera.db` (the folder is created) or `sqlite::memory:`.
 * PostgreSQL: any `postgres://` URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, type PostgresPool, type PostgresPoolClient, SqliteDialect, type SqliteDatabase } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { hotStatementName } from './hot-statements.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Answers true when a trivial query succeeds (used by /api/status). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch-ms instants, well inside Number's exact range.
pg.types.setTypeParser(20, (value: string) => Number(value));

function openSqlite(url: string): Kysely<Database> {
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') {
    // Owner-only: the folder is created 0700 and a new database file 0600 before SQLite opens
    // it; SQLite gives its -wal and -shm files the database file's mode. Existing files keep
    // the mode the operator gave them.
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600));
  }
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // WAL with NORMAL: a commit no longer waits for fsync on the event loop. The database stays
  // consistent; a power cut (not a process crash) may lose the last commits.
  database.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/** Statements kept prepared, by SQL text; most used first out of the cache last. */
const STATEMENT_CACHE_SIZE = 256;
/** Longer SQL (multi-row inserts, long IN lists) is rarely repeated exactly: prepared afresh each time. */
const CACHEABLE_SQL_LENGTH = 4096;

/**
 * Kysely prepares every query anew; SQLite's compilation of the SQL is a good part of a small
 * query's cost. This hands Kysely the same prepared statement for the same SQL text (Kysely's
 * SQLite driver runs one query at a time, so a statement is never in use twice at once).
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      if (sql.length > CACHEABLE_SQL_LENGTH) return database.prepare(sql);
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

function openPostgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client can be cut off (server restart, failover, admin termination — or a client
  // still closing when the pool has ended). Without a listener pg raises that as an uncaught
  // exception and the process dies; with one, the pool simply drops the client.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedHotStatements(pool) }) });
}

/** Runs the hot statements (./hot-statements.ts) as named statements: parsed and planned once per connection. */
function withNamedHotStatements(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      const wrapped = {
        query(sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>) {
          const name = typeof sqlOrCursor === 'string' ? hotStatementName(sqlOrCursor) : undefined;
          if (name) return client.query({ name, text: sqlOrCursor as string, values: parameters as unknown[] });
          return (client.query as (...args: unknown[]) => unknown)(sqlOrCursor, parameters);
        },
        release: () => client.release(),
      };
      return wrapped as unknown as PostgresPoolClient;
    },
  };
}

export async function openDatabase(url: string): Promise<DatabaseHandle> {
  const kind: DatabaseKind = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const db = kind === 'sqlite' ? openSqlite(url) : openPostgres(url);
  const migrator = new Migrator({ db, provider: migrationProvider(kind) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return {
    db,
    kind,
    async ping() {
      try {
        await db.selectFrom('system_state').select('name').limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
