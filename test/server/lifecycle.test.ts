/**
 * The server as an operator meets it: `npm start`'s entry point with its environment, the first
 * start and later starts, status, limits, graceful shutdown, resumable async deletes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { freePort } from '../support/ports.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * Runs `node dist/src/main.js` (what `npm start` runs once built) until it logs that it is
 * listening (or the line `started` waits for). Its stdout must be pino's JSON lines only.
 */
async function runMain(env: Record<string, string>, started: (line: LogLine) => boolean = (line) => line.msg === 'Tessera listening'): Promise<{ lines: () => LogLine[]; stderr: () => string; pid: number; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const lines = () =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          throw new Error(`stdout has a line that is not a JSON log line: ${line}`);
        }
      });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (lines().some(started)) resolve();
    });
    exited.then((code) => reject(new Error(`main exited ${code}: ${stdout}${stderr}`)));
  });
  return {
    lines,
    stderr: () => stderr,
    pid: child.pid!,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('the entry point (npm start)', () => {
  test('first start logs a generated key once, in one JSON line; data is owner-only; a restart logs no key and keeps data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-main-'));
    const dataDir = path.join(dir, 'data');
    const port = await freePort();
    // DATABASE_URL left out: the database goes into the data folder.
    const env = { PORT: String(port), HOST: '127.0.0.1', TESSERA_DATA_DIR: dataDir, PUBLIC_URL: 'https://id.example.com/' };
    try {
      const first = await runMain(env);
      const keyLines = first.lines().filter((line) => 'apiKey' in line);
      assert.equal(keyLines.length, 1, 'one line carries the key');
      const key = keyLines[0]!.apiKey;
      assert.ok(typeof key === 'string' && key.length >= 16, JSON.stringify(keyLines[0]));
      assert.equal(keyLines[0]!.shownOnce, true);
      assert.match(keyLines[0]!.msg, /shown only this once/);
      const response = await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { tenants: Array<{ name: string; issuer: string }> };
      assert.deepEqual(body.tenants.map((x) => x.name), ['Default']);
      assert.equal(body.tenants[0]!.issuer, 'https://id.example.com/default', 'PUBLIC_URL is honoured');

      assert.equal(mode(dataDir), 0o700, 'the data folder is the owner’s only');
      for (const file of ['master.key', 'tessera.db', 'tessera.db-wal', 'tessera.db-shm']) {
        assert.equal(mode(path.join(dataDir, file)), 0o600, `${file} is readable by its owner only`);
      }
      assert.equal(await first.stop(), 0, 'SIGTERM exits cleanly');

      const second = await runMain(env);
      assert.ok(!second.lines().some((line) => 'apiKey' in line || /shown only this once/.test(line.msg)), 'no key logged on later starts');
      assert.ok(!second.lines().some((line) => line.level >= 40), 'nothing to warn about');
      const again = await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } });
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { tenants: unknown[] }).tenants.length, 1, 'later starts create nothing');
      assert.equal(await second.stop(), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the first-start key is logged even when LOG_LEVEL would hide info lines', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-main-'));
    const port = await freePort();
    try {
      const run = await runMain({ PORT: String(port), HOST: '127.0.0.1', TESSERA_DATA_DIR: dir, LOG_LEVEL: 'silent' }, (line) => 'apiKey' in line);
      const key = run.lines().find((line) => 'apiKey' in line)!.apiKey as string;
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } })).status, 200);
      assert.equal(run.lines().length, 1, 'silent otherwise');
      assert.equal(await run.stop(), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('TESSERA_API_KEY sets the first key; given again later it is checked, and a different one is one warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-main-'));
    const port = await freePort();
    const key = `operator-chosen-${crypto.randomBytes(8).toString('hex')}`;
    const env = { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, TESSERA_DATA_DIR: dir, TESSERA_MASTER_KEY: 'a passphrase for tests' };
    try {
      const run = await runMain({ ...env, TESSERA_API_KEY: key });
      assert.ok(!run.lines().some((line) => 'apiKey' in line), 'a given key is not logged');
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } })).status, 200);
      assert.ok(!fs.existsSync(path.join(dir, 'master.key')));
      assert.equal(await run.stop(), 0);

      const same = await runMain({ ...env, TESSERA_API_KEY: key });
      assert.deepEqual(same.lines().filter((line) => line.level >= 40), [], 'the stored key: no warning');
      assert.equal(await same.stop(), 0);

      const other = `another-key-${crypto.randomBytes(8).toString('hex')}`;
      const changed = await runMain({ ...env, TESSERA_API_KEY: other });
      const warnings = changed.lines().filter((line) => line.level >= 40);
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.equal(warnings[0]!.level, 40);
      assert.match(warnings[0]!.msg, /TESSERA_API_KEY/);
      assert.ok(!JSON.stringify(changed.lines()).includes(other), 'the key itself is not logged');
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: other } })).status, 401, 'what the warning explains');
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } })).status, 200);
      assert.equal(await changed.stop(), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Waits (never longer than 10 s) until `ready()` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** GET /api/status on a connection of its own (no pooled keep-alive socket). */
function status(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/api/status`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

for (const backend of backends()) {
  describe(`server lifecycle on ${backend.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(backend);
    });
    after(async () => {
      await t?.stop();
    });

    test('GET /api/status is 200 without a key while the database answers', async () => {
      const status = await t.fetch('/api/status', { headers: { authorization: '' } });
      assert.equal(status.status, 200);
    });

    // The OpenAPI document (validity, statuses, the documented ranges): test/server/openapi.test.ts.

    test('malformed, non-object and oversized bodies are 4xx, never 500', async () => {
      const malformed = await t.fetch('/api/tenant', { method: 'POST', rawBody: '{"tenant": {"name": "x",}' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.generalErrors[0].code, '[invalidJSON]');
      const array = await t.fetch('/api/tenant', { method: 'POST', body: [1, 2] });
      assert.equal(array.status, 400);
      const huge = await t.fetch('/api/tenant', { method: 'POST', rawBody: JSON.stringify({ tenant: { name: 'big', data: { blob: 'x'.repeat(1024 * 1024 + 10) } } }) });
      assert.equal(huge.status, 413);
      const wrongType = await t.fetch('/api/tenant', { method: 'POST', rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(wrongType.status, 415);
    });

    test('an accepted async delete survives a crash: the next start finishes it', async () => {
      const tenant = (await attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `Crash ${crypto.randomUUID()}` } }))).response.tenant;
      // What a crash leaves behind: the tenant marked, the work not done.
      await t.server.database.db.updateTable('tenants').set({ state: 'PendingDelete' }).where('id', '=', tenant.id).execute();
      await t.restart();
      await t.server.tenants.settle();
      assert.equal((await attempt(t.client().retrieveTenant(tenant.id))).statusCode, 404);
      assert.equal((await attempt(t.client().retrieveKey(tenant.jwtConfiguration.accessTokenKeyId))).statusCode, 404);
    });

    test('shutdown lets a request under way finish, then refuses new ones', async () => {
      const base = t.url;
      const { hostname, port } = new URL(base);
      const name = `In flight ${crypto.randomUUID()}`;
      const body = JSON.stringify({ tenant: { name } });
      // The request is under way once the server has its headers; its body is held back until stop() has begun.
      const arrived = new Promise<void>((resolve) => t.server.app.server.once('request', () => resolve()));
      const request = http.request({
        hostname,
        port,
        path: '/api/tenant',
        method: 'POST',
        agent: false,
        headers: { authorization: t.apiKey, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        });
        request.on('error', reject);
      });
      request.write(body.slice(0, 5));
      await arrived;
      let stopped = false;
      const stopping = t.server.stop().then(() => {
        stopped = true;
      });
      await until(() => !t.server.app.server.listening, 'the server stops listening');
      assert.equal(stopped, false, 'stop() is waiting for the request under way');
      await assert.rejects(status(base), 'no new connections once stop() has begun');
      request.end(body.slice(5));
      const result = await answered;
      assert.equal(result.status, 200, `the request that was under way completed: ${result.text}`);
      await stopping;
      await assert.rejects(status(base));
      await t.restart();
      assert.equal((await t.fetch('/api/status')).status, 200);
      const names = (await attempt(t.client().retrieveTenants())).response.tenants.map((x: any) => x.name);
      assert.ok(names.includes(name), 'and it was committed');
    });

    test('GET /api/status is 503 when the database is unreachable', async () => {
      const other = await startTestServer(backend);
      try {
        await other.server.database.close();
        const status = await other.fetch('/api/status', { headers: { authorization: '' } });
        assert.equal(status.status, 503);
      } finally {
        await other.server.app.close();
        await other.database.drop();
      }
    });
  });
}
