/**
 * The storage back ends every suite runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL
 * is set (CI sets it). Each call gives a fresh, empty database and a way to drop it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const sqlite: Backend = {
  name: 'sqlite',
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
    return {
      url: `sqlite:${path.join(dir, 'tessera.db')}`,
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgres(adminUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      const name = `tessera_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        async drop() {
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    },
  };
}

export function backends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL;
  return url ? [sqlite, postgres(url)] : [sqlite];
}
