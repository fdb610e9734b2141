/**
 * Throwaway databases for the benchmark, after test/support/backends.ts: a SQLite file in a
 * fresh temp folder, and, when a PostgreSQL server answers, a fresh database named
 * tessera_bench_<random> that is dropped afterwards.
 *
 * PostgreSQL: TEST_DATABASE_URL when set (it must then answer); otherwise the local default
 * postgres://postgres@127.0.0.1:5432/test is probed and used only if it answers.
 * BENCH_POSTGRES=off skips PostgreSQL altogether; BENCH_SQLITE=off skips SQLite.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface BenchBackend {
  name: 'sqlite' | 'postgres';
  /** Server version, for the report. */
  version: string;
  create(): Promise<BenchDatabase>;
}

function sqliteBackend(): BenchBackend {
  const probe = new SQLite(':memory:');
  const { v } = probe.prepare('select sqlite_version() as v').get() as { v: string };
  probe.close();
  return {
    name: 'sqlite',
    version: `SQLite ${v} (better-sqlite3, WAL, file in ${os.tmpdir()})`,
    async create() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
      return {
        url: `sqlite:${path.join(dir, 'tessera.db')}`,
        async drop() {
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function postgresBackend(adminUrl: string, version: string): BenchBackend {
  return {
    name: 'postgres',
    version,
    async create() {
      const name = `tessera_bench_${crypto.randomBytes(6).toString('hex')}`;
      await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        async drop() {
          await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        },
      };
    },
  };
}

async function postgresVersion(url: string): Promise<string> {
  const row = await withClient(url, async (client) => (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]);
  return `PostgreSQL ${row?.v ?? '?'} (${new URL(url).host}, pg pool of 10)`;
}

/** The back ends to run, and a note on PostgreSQL when it is skipped. */
export async function benchBackends(log: (line: string) => void): Promise<{ backends: BenchBackend[]; skipped?: string }> {
  const backends = /^(0|off|false|no)$/i.test(process.env.BENCH_SQLITE ?? '') ? [] : [sqliteBackend()];
  if (/^(0|off|false|no)$/i.test(process.env.BENCH_POSTGRES ?? '')) {
    return { backends, skipped: 'PostgreSQL skipped (BENCH_POSTGRES=off).' };
  }
  const explicit = process.env.TEST_DATABASE_URL;
  const url = explicit || DEFAULT_POSTGRES_URL;
  try {
    backends.push(postgresBackend(url, await postgresVersion(url)));
  } catch (error) {
    if (explicit) throw new Error(`TEST_DATABASE_URL is set but PostgreSQL did not answer: ${(error as Error).message}`);
    const reason = `PostgreSQL skipped: nothing answered at ${DEFAULT_POSTGRES_URL} (${(error as Error).message}); set TEST_DATABASE_URL to include it.`;
    log(reason);
    return { backends, skipped: reason };
  }
  return { backends };
}
