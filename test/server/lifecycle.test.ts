/**
 * The server as an operator meets it: `npm start`'s entry point with its environment, the first
 * start and later starts, status, limits, graceful shutdown, resumable async deletes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from '../support/backends.js';
import { attempt } from '../support/fa.js';
import { type TestServer, startTestServer } from '../support/server.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs `node dist/src/main.js` (what `npm start` runs after building) until `until` matches its output. */
function runMain(env: Record<string, string>, until: RegExp): Promise<{ output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main did not start: ${output}`)), 20000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        resolve({
          output: () => output,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`main exited ${code}: ${output}`)));
  });
}

describe('the entry point (npm start)', () => {
  test('first start prints a generated key once; the key works; a restart prints nothing and keeps data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-main-'));
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, TESSERA_DATA_DIR: dir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://id.example.com' };
    try {
      const first = await runMain(env, /listening/);
      const key = /shown only this once\):\s+(\S+)/.exec(first.output())?.[1];
      assert.ok(key, `a key is printed: ${first.output()}`);
      const response = await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { tenants: Array<{ name: string; issuer: string }> };
      assert.deepEqual(body.tenants.map((x) => x.name), ['Default']);
      assert.equal(body.tenants[0]!.issuer, 'https://id.example.com/default', 'PUBLIC_URL is honoured');
      assert.ok(fs.existsSync(path.join(dir, 'master.key')), 'a master key file was created');
      assert.equal(await first.stop(), 0, 'SIGTERM exits cleanly');

      const second = await runMain(env, /listening/);
      assert.ok(!/shown only this once/.test(second.output()), 'no key printed on later starts');
      const again = await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } });
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { tenants: unknown[] }).tenants.length, 1, 'later starts create nothing');
      assert.equal(await second.stop(), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('TESSERA_API_KEY sets the first key; bad configuration stops the start with a message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-main-'));
    const port = await freePort();
    const key = `operator-chosen-${crypto.randomBytes(8).toString('hex')}`;
    try {
      const run = await runMain({ PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, TESSERA_API_KEY: key, TESSERA_MASTER_KEY: 'a passphrase for tests', LOG_LEVEL: 'silent' }, /listening/);
      assert.ok(!/shown only this once/.test(run.output()), 'a given key is not printed');
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/tenant`, { headers: { authorization: key } })).status, 200);
      assert.ok(!fs.existsSync(path.join(dir, 'master.key')));
      assert.equal(await run.stop(), 0);
      await assert.rejects(runMain({ PORT: 'ninety', LOG_LEVEL: 'silent' }, /listening/), /PORT must be an integer/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

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

    test('shutdown lets in-flight requests finish and then refuses new ones', async () => {
      const url = t.url;
      const inFlight = attempt(t.client().createTenant(null as unknown as string, { tenant: { name: `In flight ${crypto.randomUUID()}` } }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const stopping = t.server.stop();
      const result = await inFlight;
      assert.equal(result.statusCode, 200, 'the request that was under way completed');
      await stopping;
      await assert.rejects(fetch(`${url}/api/status`));
      await t.restart();
      assert.equal((await t.fetch('/api/status')).status, 200);
      const names = (await attempt(t.client().retrieveTenants())).response.tenants.map((x: any) => x.name);
      assert.ok(names.includes(result.response.tenant.name), 'and it was committed');
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
