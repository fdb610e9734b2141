/**
 * A tenant with no SMTP server configured (the built-in localhost:25, no username) has its mail
 * written to the log — one structured line with the recipient, the subject and the link — and
 * the request that sent it succeeds; a lockout notice is logged the same way, not as an error.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { smtpConfigured } from '../../src/email/mailer.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { type TestDatabase, backends } from '../support/backends.js';
import { FormClient, linkIn } from './support.js';

/** Log lines as parsed objects, with a wait for the first one that matches. */
class LogLines extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  private waiters: Array<() => void> = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    this.waiters.splice(0).forEach((wake) => wake());
    callback();
  }

  async first(match: (line: Record<string, any>) => boolean, timeoutMs = 5000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such log line within ${timeoutMs} ms; have ${JSON.stringify(this.lines.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

test('"configured" SMTP: anything but the built-in localhost:25 without a username', () => {
  assert.equal(smtpConfigured({ host: 'localhost', port: 25, username: null }), false);
  assert.equal(smtpConfigured({ host: 'LOCALHOST', port: 25, username: '' }), false);
  assert.equal(smtpConfigured({ host: '127.0.0.1', port: 25, username: null }), true);
  assert.equal(smtpConfigured({ host: 'localhost', port: 2525, username: null }), true);
  assert.equal(smtpConfigured({ host: 'localhost', port: 25, username: 'relay' }), true);
  assert.equal(smtpConfigured({ host: 'smtp.example.com', port: 587, username: null }), true);
});

for (const backend of backends()) {
  describe(`mail to the log on ${backend.name}`, () => {
    let server: RunningServer;
    let database: TestDatabase;
    const log = new LogLines();
    const apiKey = `test-superuser-${crypto.randomBytes(12).toString('hex')}`;
    const call = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
      const response = await fetch(server.url + path, {
        method: init.method ?? 'GET',
        headers: { authorization: apiKey, 'content-type': 'application/json', ...init.headers },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };

    before(async () => {
      database = await backend.create();
      const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', publicUrl: 'http://tessera.test', databaseUrl: database.url, bootstrapApiKey: apiKey, masterKey: crypto.randomBytes(32).toString('base64') };
      server = await startServer(config, { logger: pino({ level: 'info' }, log) });
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
    });

    async function defaultSmtpTenant(extra: Record<string, unknown> = {}) {
      const created = await call('/api/tenant', { method: 'POST', body: { tenant: { name: `Log ${crypto.randomUUID().slice(0, 8)}`, passwordEncryptionConfiguration: { encryptionSchemeFactor: 1000 }, ...extra } } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.tenant.emailConfiguration.host, 'localhost');
      assert.equal(created.body.tenant.emailConfiguration.port, 25);
      const tenant = created.body.tenant;
      return { id: tenant.id as string, slug: new URL(tenant.issuer).pathname.slice(1), header: { 'x-fusionauth-tenantid': tenant.id as string } };
    }

    test('forgot password with the default SMTP settings: 200, and the log line carries the link, which works', async () => {
      const ten = await defaultSmtpTenant();
      const email = `log-${crypto.randomUUID().slice(0, 8)}@example.com`;
      assert.equal((await call(`/tenants/${ten.slug}/users`, { method: 'POST', body: { username: 'logged', email, password: 'logged-password' }, headers: { authorization: `Bearer ${apiKey}` } })).status, 201);
      const started = await call('/api/user/forgot-password', { method: 'POST', body: { loginId: email, sendForgotPasswordEmail: true }, headers: ten.header });
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const line = await log.first((l) => l.to === email);
      assert.equal(line.level, 40, 'a warning: the mail was not delivered');
      assert.match(line.subject, /Reset your .* password/);
      assert.match(line.link, new RegExp(`^http://tessera\\.test/${ten.slug}/password/change/\\S+$`));
      const browser = new FormClient(server.url);
      const url = linkIn(line.link, `/${ten.slug}/password/change`, server.url);
      const form = await browser.get(url.pathname);
      assert.equal(form.status, 200);
      const done = await browser.post(url.pathname, { _csrf: form.csrf!, password: 'logged-new-password', confirm: 'logged-new-password' });
      assert.equal(done.status, 200);
      assert.equal((await call('/api/login', { method: 'POST', body: { loginId: email, password: 'logged-new-password' }, headers: ten.header })).status, 200);
    });

    test('a lockout notice with the default SMTP settings is logged as mail, with no error', async () => {
      const ten = await defaultSmtpTenant({ failedAuthenticationConfiguration: { tooManyAttempts: 2, resetCountInSeconds: 60, actionDuration: 1, actionDurationUnit: 'HOURS' } });
      const email = `lock-${crypto.randomUUID().slice(0, 8)}@example.com`;
      await call(`/tenants/${ten.slug}/users`, { method: 'POST', body: { username: 'locked', email, password: 'locked-password' }, headers: { authorization: `Bearer ${apiKey}` } });
      for (let i = 0; i < 2; i++) await call('/api/login', { method: 'POST', body: { loginId: email, password: 'wrong' }, headers: ten.header });
      const line = await log.first((l) => l.to === email);
      assert.match(line.subject, /locked/);
      assert.equal(line.link, null);
      assert.deepEqual(log.lines.filter((l) => l.level >= 50), [], 'nothing logged as an error');
    });
  });
}
